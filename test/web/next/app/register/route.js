export { register as POST } from '../../server/app.ts';
