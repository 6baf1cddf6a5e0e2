/** A webhook request the operator can fix (unknown endpoint, refused URL, missing key): the CLI prints its message. */
export class WebhookError extends Error {}
