// The peer runs the very same handler as restgate and the ceiling.
export { handler } from '../../functions/hello.mjs';
