import { topicName, topicOptions } from './topicOptions';

describe('topicName', () => {
  it.each([
    ['v2.analytics.queues.{id}.observations', 'Queue observations'],
    ['v2.users.{id}.presence', 'Agent presence'],
    ['v2.users.{id}.routingStatus', 'Agent routing status'],
    ['v2.routing.queues.{id}.conversations', 'Queue conversations'],
    ['v2.routing.queues.{id}.calls', 'Queue calls'],
    ['v2.users.{id}.outOfOffice', 'Agent out of office'],
    ['v2.detail.events.conversation.{id}.acd.start', 'Conversation detail: ACD start'],
    ['v2.system.status', 'System status'],
  ])('%s → %s', (id, name) => {
    expect(topicName(id)).toBe(name);
  });
});

describe('topicOptions', () => {
  it('labels with the name; the id, description and permissions are the secondary text', () => {
    expect(
      topicOptions([
        {
          id: 'v2.users.{id}.presence',
          family: 'users',
          description: 'Presence of a user',
          requiresPermissions: ['presence:userPresence:view'],
        },
      ])
    ).toEqual([
      {
        value: 'v2.users.{id}.presence',
        label: 'Agent presence',
        group: 'Users',
        description: 'v2.users.{id}.presence — Presence of a user — Requires: presence:userPresence:view',
      },
    ]);
  });
});
