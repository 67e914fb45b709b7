import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './html';

describe('html template', () => {
  it('escapes every interpolation', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });
  it('nests, joins arrays and drops empty values', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li>0</ul>');
  });
  it('passes raw markup only when asked', () => {
    expect(html`${raw('<br>')}`.value).toBe('<br>');
    expect(escapeHtml('`')).toBe('&#96;');
  });
});
