import { request } from 'node:http';

export type FormPostResult =
  | { outcome: 'answered'; status: number; body: string; contentType: string | undefined }
  | { outcome: 'timeout' }
  | { outcome: 'unreachable'; error: string };

/**
 * POSTs a form the way Slack does to a Request URL. A fresh connection per delivery (no keep-alive pool), so
 * stopping the bot's server is never held up by the stand-in.
 */
export function postForm(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<FormPostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: FormPostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          settle({
            outcome: 'answered',
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: response.headers['content-type'],
          }),
        );
        response.on('error', (error) => settle({ outcome: 'unreachable', error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      settle({ outcome: 'timeout' });
      outgoing.destroy();
    }, timeoutMs);
    outgoing.on('error', (error) => settle({ outcome: 'unreachable', error: error.message }));
    outgoing.end(body);
  });
}
