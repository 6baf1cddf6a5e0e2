import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api.ts';
import { Breadcrumbs } from '../components/Breadcrumbs.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { DefinitionList } from '../components/DefinitionList.tsx';
import { FormError } from '../components/FormError.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { StatusMessage } from '../components/StatusMessage.tsx';
import { count, endpointStatus, eventTypesOf, formatDateTime } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { RotatedSecret, TestDelivery, WebhookEndpoint } from '../types.ts';

function describeTest(result: TestDelivery): string {
  if (result.status === null) return `The test event was not delivered: ${result.error ?? 'no answer'}`;
  const latency = result.latencyMs === null ? '' : ` in ${result.latencyMs.toLocaleString()} ms`;
  return `The receiver answered ${result.status}${latency}`;
}

/** One endpoint: its recent deliveries, and what can be done with it. */
export function WebhookPage({ endpointId }: { endpointId: string }) {
  const [, navigate] = useLocation();
  const loaded = useApiData(
    async (signal) => {
      const endpoint = await api.webhook(endpointId, signal);
      const directory = endpoint.directoryId ? await api.directory(endpoint.directoryId, signal) : null;
      return { endpoint, directoryName: directory?.name ?? null };
    },
    [endpointId],
  );
  const deliveries = useApiData((signal) => api.deliveries(endpointId, signal), [endpointId]);
  const [testResult, setTestResult] = useState<TestDelivery | null>(null);
  const [replayed, setReplayed] = useState('');
  const [eventId, setEventId] = useState('');
  const [rotated, setRotated] = useState<RotatedSecret | null>(null);
  usePageTitle(loaded.data && `Webhook · ${loaded.data.endpoint.url}`);

  const setEndpoint = (endpoint: WebhookEndpoint) => loaded.setData((current) => current && { ...current, endpoint });
  const sendTest = useAction(async () => {
    setTestResult(null);
    setTestResult(await api.testWebhook(endpointId));
    deliveries.reload();
  });
  const replay = useAction(async () => {
    setReplayed('');
    const { enqueued } = await api.replayEvent(endpointId, eventId.trim());
    setReplayed(`Queued ${count(enqueued, 'delivery', 'deliveries')}`);
    deliveries.reload();
  });
  const rotate = useAction(async () => setRotated(await api.rotateWebhookSecret(endpointId)));
  const enable = useAction(async () => setEndpoint(await api.enableWebhook(endpointId)));
  const remove = useAction(async (organizationId: string) => {
    await api.deleteWebhook(endpointId);
    navigate(`/orgs/${organizationId}/webhooks`, { replace: true });
  });
  function submitReplay(event: FormEvent) {
    event.preventDefault();
    void replay.run();
  }

  return (
    <Loadable data={loaded.data} error={loaded.error}>
      {({ endpoint, directoryName }) => (
        <>
          <Breadcrumbs trail={[{ label: 'Webhooks', href: `/orgs/${endpoint.organizationId}/webhooks` }]} current={endpoint.url} />
          <h1 className="break">{endpoint.url}</h1>
          <DefinitionList
            items={[
              ['Status', endpointStatus(endpoint)],
              ['Directory', directoryName ?? 'All directories'],
              ['Events', eventTypesOf(endpoint)],
              ['Description', endpoint.description],
              ['Created', formatDateTime(endpoint.createdAt)],
            ]}
          />

          <section className="actions">
            <h2>Actions</h2>
            <div className="action">
              <button type="button" onClick={() => sendTest.run()} disabled={sendTest.pending}>
                Send test event
              </button>
              <StatusMessage>{testResult && describeTest(testResult)}</StatusMessage>
              {testResult?.excerpt && <pre className="excerpt">{testResult.excerpt}</pre>}
              <FormError error={sendTest.error} />
            </div>
            <form onSubmit={submitReplay} className="action inline-form" aria-label="Replay an event">
              <label className="field">
                <span>Event ID</span>
                <input
                  type="text"
                  value={eventId}
                  onChange={(event) => setEventId(event.target.value)}
                  required
                  placeholder="evt_…"
                  spellCheck={false}
                />
              </label>
              <button type="submit" disabled={replay.pending}>
                Replay
              </button>
              <StatusMessage>{replayed}</StatusMessage>
              <FormError error={replay.error} />
            </form>
            <div className="action">
              <button type="button" onClick={() => rotate.run()} disabled={rotate.pending}>
                Rotate secret
              </button>
              {rotated && (
                <CopyField
                  label="New signing secret"
                  value={rotated.secret}
                  copyLabel="Copy signing secret"
                  note={
                    rotated.previousExpiresAt
                      ? 'Copy it now: Roster shows it only once. Deliveries carry signatures with the previous secret too until ' +
                        `${formatDateTime(rotated.previousExpiresAt)}.`
                      : 'Copy it now: Roster shows it only once.'
                  }
                />
              )}
              <FormError error={rotate.error} />
            </div>
            {!endpoint.enabled && (
              <div className="action">
                <button type="button" onClick={() => enable.run()} disabled={enable.pending}>
                  Enable
                </button>
                <FormError error={enable.error} />
              </div>
            )}
            <div className="action">
              <ConfirmButton
                label="Delete"
                question="Delete this endpoint? Its pending deliveries are dropped. This cannot be undone."
                confirmLabel="Confirm"
                onConfirm={() => remove.run(endpoint.organizationId)}
                pending={remove.pending}
              />
              <FormError error={remove.error} />
            </div>
          </section>

          <section>
            <div className="section-heading">
              <h2>Deliveries</h2>
              <button type="button" onClick={deliveries.reload} disabled={deliveries.loading}>
                Refresh
              </button>
            </div>
            <Loadable data={deliveries.data} error={deliveries.error}>
              {({ data }) => (
                <DataTable
                  caption="Deliveries, newest first"
                  hideCaption
                  rows={data}
                  rowKey={(delivery) => delivery.id}
                  empty="No deliveries yet."
                  columns={[
                    { header: 'Event type', cell: (delivery) => <code>{delivery.type}</code> },
                    { header: 'Sequence', cell: (delivery) => delivery.sequence, numeric: true },
                    { header: 'Status', cell: (delivery) => delivery.status },
                    { header: 'Attempts', cell: (delivery) => delivery.attempts, numeric: true },
                    {
                      header: 'Last status',
                      cell: (delivery) => [delivery.lastStatus, delivery.lastError].filter((part) => part !== null).join(': ') || '—',
                    },
                    { header: 'Next attempt', cell: (delivery) => formatDateTime(delivery.nextAttemptAt) },
                  ]}
                />
              )}
            </Loadable>
          </section>
        </>
      )}
    </Loadable>
  );
}
