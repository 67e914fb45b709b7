import { getPaymentMethod } from '@/lib/alipay';

/** A wallet's English name with its local name (marked with its language), or the raw code if unknown. */
export function WalletName({ code }: { code: string }) {
  const method = getPaymentMethod(code);
  if (!method) return <span className="font-mono">{code}</span>;
  return (
    <span>
      {method.nameEn}
      {method.nameLocal !== method.nameEn ? (
        <>
          {' '}
          <span lang={method.locale} className="text-slate-700">
            {method.nameLocal}
          </span>
        </>
      ) : null}
    </span>
  );
}
