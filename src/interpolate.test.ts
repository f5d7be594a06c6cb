import { interpolateQuery } from './interpolate';
import { fakeTemplateSrv } from './testing/templateSrv';

describe('interpolateQuery', () => {
  const srv = fakeTemplateSrv({
    queue: ['q1', 'q2', 'q3'],
    one: 'q9',
    topic: 'v2.routing.queues.{id}.users',
    empty: [],
  });
  const cases: Array<{ name: string; ids: string[]; want: string[] }> = [
    { name: 'multi-value variable expands into several ids', ids: ['$queue'], want: ['q1', 'q2', 'q3'] },
    { name: 'single-value variable', ids: ['$one'], want: ['q9'] },
    { name: 'literal ids kept, duplicates dropped', ids: ['q1', '$queue', 'q1'], want: ['q1', 'q2', 'q3'] },
    { name: 'empty multi-value gives no ids', ids: ['$empty'], want: [] },
    { name: 'unknown variable left as written', ids: ['$nope'], want: ['$nope'] },
  ];
  it.each(cases)('$name', ({ ids, want }) => {
    expect(interpolateQuery({ refId: 'A', topic: 'x', ids }, srv, {}).ids).toEqual(want);
  });

  it('replaces the topic and fields too', () => {
    const q = interpolateQuery({ refId: 'A', topic: '$topic', ids: [], fields: ['$one', 'a.b'] }, srv, {});
    expect(q.topic).toBe('v2.routing.queues.{id}.users');
    expect(q.fields).toEqual(['q9', 'a.b']);
  });
});
