/**
 * The page's first script, in its head: starts the GET of the first page's data (the environments, the
 * start page) before the browser reads the app, so the two arrive together. See early.ts.
 */
import { prefetch, readToken } from './early';
import { firstDataPath, parseRoute } from './routes';

const token = readToken();
const path = firstDataPath(parseRoute(location.hash));
if (token && path) prefetch(token, path);
