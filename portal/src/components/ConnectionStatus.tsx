import { useEffect } from 'react';
import { api } from '../api.ts';
import { count, formatDateTime } from '../format.ts';
import type { Directory, Provider } from '../types.ts';

const POLL_INTERVAL_MS = 3000;

const WAITING_FOR: Record<Provider, string> = {
  entra: "Waiting for Entra's first request",
  okta: "Waiting for Okta's first request",
  generic: "Waiting for the identity provider's first request",
};

interface ConnectionStatusProps {
  directory: Directory;
  onUpdate: (directory: Directory) => void;
}

/**
 * Whether the identity provider has reached the directory yet, and how many users and groups it sent, asked anew
 * every few seconds: the admin watches this while clicking Test connection and starting provisioning in Entra.
 */
export function ConnectionStatus({ directory, onUpdate }: ConnectionStatusProps) {
  const { id } = directory;
  useEffect(() => {
    let controller: AbortController | undefined;
    const timer = setInterval(() => {
      if (document.hidden) return;
      controller?.abort();
      controller = new AbortController();
      // A failed poll is left for the next one: the status just stays as it was a moment longer.
      api.directory(id, controller.signal).then(onUpdate, () => {});
    }, POLL_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      controller?.abort();
    };
  }, [id, onUpdate]);
  const connected = directory.status === 'connected';
  return (
    <div className={`connection ${connected ? 'connected' : 'waiting'}`}>
      {/* Only the status and the counts are live: the time of the last request changes too often to announce. */}
      <p role="status">
        {connected ? (
          <>
            <strong>Connected</strong> <span>{`${count(directory.userCount, 'user')} · ${count(directory.groupCount, 'group')}`}</span>
          </>
        ) : (
          <strong>{WAITING_FOR[directory.provider]}</strong>
        )}
      </p>
      {directory.lastRequestAt && <p className="hint">Last request {formatDateTime(directory.lastRequestAt, { seconds: true })}</p>}
    </div>
  );
}
