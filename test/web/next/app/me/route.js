export { me as GET } from '../../server/app.ts';
