export { homePage as GET } from '../server/app.ts';
