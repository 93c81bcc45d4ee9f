export { logout as POST } from '../../server/app.ts';
