// Entry of the console bundle (build.mjs): the page is served by the gateway at /console and, to
// browsers, at /graphql; it talks only to that same gateway.
import 'graphiql/style.css';
import './console.css';
import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './console-app.js';

const root = document.getElementById('console');
if (!root) throw new Error('the console page has no #console element');

const graphqlUrl = new URL('/graphql', window.location.href);
const websocketUrl = new URL(graphqlUrl);
websocketUrl.protocol = graphqlUrl.protocol === 'https:' ? 'wss:' : 'ws:';

createRoot(root).render(<ConsoleApp graphqlUrl={graphqlUrl.href} websocketUrl={websocketUrl.href} />);
