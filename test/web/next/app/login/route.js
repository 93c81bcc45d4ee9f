export { login as POST } from '../../server/app.ts';
