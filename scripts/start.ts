// npm start — production server: configuration (.env + environment), migrations, first admin, the local
// simulator only when no gateway is configured, then `next start`. Run `npm run build` first.
import { launch } from './launch';

await launch('production');
