// npm run dev — fresh clone to a working portal: PGlite under .data/, generated secrets and keys, the local
// Antom simulator (unless ALIPAY_GATEWAY_URL is set, in the environment or .env), the first admin printed
// once, then `next dev`.
import { launch } from './launch';

await launch('development');
