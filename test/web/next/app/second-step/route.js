export { secondStepPage as GET } from '../../server/app.ts';
