/** Archives and replays through the SDK. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CancelReplayCommand,
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListArchivesCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  UpdateArchiveCommand,
} from '@aws-sdk/client-eventbridge';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();
const now = () => t.h.nimbus.cloud.clock.now();
const DEFAULT_BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/default';

async function put(source: string, n: number): Promise<void> {
  const entries = Array.from({ length: n }, (_, i) => ({ Source: source, DetailType: 'Archived', Detail: JSON.stringify({ i }) }));
  const r = await t.events().send(new PutEventsCommand({ Entries: entries }));
  assert.equal(r.FailedEntryCount, 0);
}

describe('archives', () => {
  it('creates, describes, lists, updates and deletes archives', async () => {
    const created = await t.events().send(new CreateArchiveCommand({ ArchiveName: 'a-crud', EventSourceArn: DEFAULT_BUS, EventPattern: '{"source":["a.crud"]}', RetentionDays: 7, Description: 'd' }));
    assert.equal(created.ArchiveArn, 'arn:aws:events:us-east-1:000000000000:archive/a-crud');
    assert.equal(created.State, 'ENABLED');
    await put('a.crud', 3);
    await put('a.other', 2);
    const d = await t.events().send(new DescribeArchiveCommand({ ArchiveName: 'a-crud' }));
    assert.equal(d.EventCount, 3);
    assert.ok(d.SizeBytes! > 0);
    assert.equal(d.RetentionDays, 7);
    assert.equal(d.EventPattern, '{"source":["a.crud"]}');
    assert.equal(d.EventSourceArn, DEFAULT_BUS);
    const listed = await t.events().send(new ListArchivesCommand({ NamePrefix: 'a-crud' }));
    assert.deepEqual(listed.Archives?.map((a) => [a.ArchiveName, a.EventCount, a.State]), [['a-crud', 3, 'ENABLED']]);
    await t.events().send(new UpdateArchiveCommand({ ArchiveName: 'a-crud', EventPattern: '{"source":["a.other"]}' }));
    await put('a.other', 1);
    assert.equal((await t.events().send(new DescribeArchiveCommand({ ArchiveName: 'a-crud' }))).EventCount, 4);
    await assert.rejects(t.events().send(new CreateArchiveCommand({ ArchiveName: 'a-crud', EventSourceArn: DEFAULT_BUS })), { name: 'ResourceAlreadyExistsException', message: 'Archive a-crud already exists.' });
    await assert.rejects(t.events().send(new UpdateArchiveCommand({ ArchiveName: 'a-crud', EventPattern: '{"source":"x"}' })), { name: 'InvalidEventPatternException' });
    await t.events().send(new DeleteArchiveCommand({ ArchiveName: 'a-crud' }));
    await assert.rejects(t.events().send(new DescribeArchiveCommand({ ArchiveName: 'a-crud' })), { name: 'ResourceNotFoundException', message: 'Archive a-crud does not exist.' });
  });

  it('drops events past the retention period', async () => {
    await t.events().send(new CreateArchiveCommand({ ArchiveName: 'a-ret', EventSourceArn: DEFAULT_BUS, EventPattern: '{"source":["a.ret"]}', RetentionDays: 1 }));
    await put('a.ret', 2);
    t.advance(2 * 86_400_000);
    await put('a.ret', 1);
    assert.equal((await t.events().send(new DescribeArchiveCommand({ ArchiveName: 'a-ret' }))).EventCount, 1);
  });

  it('refuses an archive on a bus that does not exist', async () => {
    await assert.rejects(
      t.events().send(new CreateArchiveCommand({ ArchiveName: 'a-nobus', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/missing' })),
      { name: 'ResourceNotFoundException', message: 'Event bus missing does not exist.' },
    );
  });
});

describe('replays', () => {
  it('replays a time window of archived events to the rules, marked with replay-name', async () => {
    const q1 = await t.queue();
    const q2 = await t.queue();
    const { RuleArn: r1 } = await t.events().send(new PutRuleCommand({ Name: 'rp-1', EventPattern: '{"source":["rp.app"]}' }));
    await t.events().send(new PutRuleCommand({ Name: 'rp-2', EventPattern: '{"source":["rp.app"]}' }));
    await t.events().send(new PutTargetsCommand({ Rule: 'rp-1', Targets: [{ Id: 'q', Arn: q1.arn }] }));
    await t.events().send(new PutTargetsCommand({ Rule: 'rp-2', Targets: [{ Id: 'q', Arn: q2.arn }] }));
    await t.events().send(new CreateArchiveCommand({ ArchiveName: 'rp-arch', EventSourceArn: DEFAULT_BUS, EventPattern: '{"source":["rp.app"]}' }));
    const before = now() - 1000;
    await put('rp.app', 2);
    assert.equal((await t.messages(q1.url, 2)).length, 2);
    assert.equal((await t.messages(q2.url, 2)).length, 2);
    t.advance(60_000);
    await put('rp.app', 1); // after the window
    await t.messages(q1.url, 1);
    await t.messages(q2.url, 1);

    const started = await t.events().send(
      new StartReplayCommand({
        ReplayName: 'rp-1',
        EventSourceArn: 'arn:aws:events:us-east-1:000000000000:archive/rp-arch',
        EventStartTime: new Date(before),
        EventEndTime: new Date(before + 30_000),
        Destination: { Arn: DEFAULT_BUS, FilterArns: [r1!] },
      }),
    );
    assert.equal(started.ReplayArn, 'arn:aws:events:us-east-1:000000000000:replay/rp-1');
    assert.equal(started.State, 'STARTING');
    const replayed = await t.messages(q1.url, 2);
    assert.equal(replayed.length, 2);
    for (const m of replayed) {
      const e = JSON.parse(m.Body!);
      assert.equal(e['replay-name'], 'rp-1');
      assert.equal(e.source, 'rp.app');
    }
    assert.deepEqual(await t.none(q2.url), [], 'FilterArns leaves other rules out');
    const d = await t.events().send(new DescribeReplayCommand({ ReplayName: 'rp-1' }));
    assert.equal(d.State, 'COMPLETED');
    assert.deepEqual(d.Destination, { Arn: DEFAULT_BUS, FilterArns: [r1] });
    assert.ok(d.ReplayEndTime instanceof Date);
    assert.ok(d.EventLastReplayedTime instanceof Date);
    const list = await t.events().send(new ListReplaysCommand({ NamePrefix: 'rp-' }));
    assert.deepEqual(list.Replays?.map((r) => [r.ReplayName, r.State]), [['rp-1', 'COMPLETED']]);
    await assert.rejects(t.events().send(new CancelReplayCommand({ ReplayName: 'rp-1' })), { name: 'IllegalStatusException', message: 'Replay rp-1 is not in a valid state for this operation.' });
    // Replayed events are not archived again.
    assert.equal((await t.events().send(new DescribeArchiveCommand({ ArchiveName: 'rp-arch' }))).EventCount, 3);
  });

  it('validates StartReplay as AWS does', async () => {
    const { EventBusArn } = await t.events().send(new CreateEventBusCommand({ Name: 'rp-other' }));
    await t.events().send(new CreateArchiveCommand({ ArchiveName: 'rp-v', EventSourceArn: DEFAULT_BUS }));
    const base = { EventSourceArn: 'arn:aws:events:us-east-1:000000000000:archive/rp-v', EventStartTime: new Date(now() - 60_000), EventEndTime: new Date(now() - 1000), Destination: { Arn: DEFAULT_BUS } };
    await assert.rejects(t.events().send(new StartReplayCommand({ ...base, ReplayName: 'v1', Destination: { Arn: EventBusArn! } })), {
      name: 'ValidationException',
      message: 'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    });
    await assert.rejects(t.events().send(new StartReplayCommand({ ...base, ReplayName: 'v2', EventStartTime: base.EventEndTime, EventEndTime: base.EventStartTime })), {
      name: 'ValidationException',
      message: 'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    });
    await assert.rejects(t.events().send(new StartReplayCommand({ ...base, ReplayName: 'v3', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:archive/none' })), {
      name: 'ResourceNotFoundException',
      message: 'Archive none does not exist.',
    });
    await t.events().send(new StartReplayCommand({ ...base, ReplayName: 'v4' }));
    await assert.rejects(t.events().send(new StartReplayCommand({ ...base, ReplayName: 'v4' })), { name: 'ResourceAlreadyExistsException', message: 'Replay v4 already exists.' });
    await assert.rejects(t.events().send(new DescribeReplayCommand({ ReplayName: 'zz' })), { name: 'ResourceNotFoundException', message: 'Replay zz does not exist.' });
  });
});
