export { advanceClock as POST } from '../../server/app.ts';
