// npm start — production server: prepare (secrets, migrations, first admin), local simulator when no
// gateway is configured, then `next start`. Run `npm run build` first.
import { launch } from './launch';

await launch('production');
