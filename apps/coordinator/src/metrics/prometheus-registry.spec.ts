import { Counter, Histogram } from './prometheus-registry';

describe('Prometheus registry', () => {
  it('renders labelled counters and a cumulative histogram in the text format', () => {
    const counter = new Counter('x_total', 'Things.');
    expect(counter.render()).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total 0');
    counter.inc({ status: 'ok' });
    counter.inc({ status: 'ok' }, 2);
    counter.inc({ status: 'a"b' });
    expect(counter.render().split('\n').slice(2)).toEqual(['x_total{status="ok"} 3', 'x_total{status="a\\"b"} 1']);

    const histogram = new Histogram('t_seconds', 'Time.', [0.1, 1]);
    histogram.observe(0.05);
    histogram.observe(0.5);
    histogram.observe(5);
    expect(histogram.render().split('\n').slice(2)).toEqual([
      't_seconds_bucket{le="0.1"} 1',
      't_seconds_bucket{le="1"} 2',
      't_seconds_bucket{le="+Inf"} 3',
      't_seconds_sum 5.55',
      't_seconds_count 3',
    ]);
  });
});
