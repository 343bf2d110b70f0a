import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app';

const container = document.getElementById('app') as HTMLElement;
container.textContent = ''; // the "Loading…" placeholder of index.html
render(<App />, container);
