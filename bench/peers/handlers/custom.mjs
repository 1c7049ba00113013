export { handler } from '../../functions/custom.mjs';
