// The patient portal at /portal/ (docs/portal.md).
import { render } from 'preact';
import { Portal } from './Portal';

const root = document.getElementById('app');
if (root) render(<Portal />, root);
