import { extname } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { withSlackIds } from './block-kit-elements.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import { SlackApiError } from './slack-api-error.js';
import type { SlackIds } from './slack-ids.js';
import type { WebApiMethod } from './web-api.js';
import { argument, blocksArgument, jsonArgument, requiredArgument, textArgument } from './web-api-params.js';
import type { WorkspaceDirectory } from './workspace-directory.js';

interface StoredFile {
  id: string;
  name: string;
  title: string;
  declaredLength: number;
  uploadToken: string;
  content: Buffer | undefined;
  created: number;
}

export interface FileUploadsDeps {
  directory: WorkspaceDirectory;
  store: MessageStore;
  ids: SlackIds;
  clock: Clock;
  baseUrl: () => string;
}

const MIME_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.csv': 'text/csv',
  '.png': 'image/png',
  '.gz': 'application/gzip',
};

/**
 * The three steps behind web-api's `files.uploadV2`: `files.getUploadURLExternal` hands out an upload URL on the
 * stand-in, the client POSTs the bytes there (multipart, field `body`), and `files.completeUploadExternal` shares
 * the file as a message, in a thread when asked.
 */
export class FileUploads {
  readonly #files = new Map<string, StoredFile>();

  constructor(private readonly deps: FileUploadsDeps) {}

  content(fileId: string): Buffer | undefined {
    return this.#files.get(fileId)?.content;
  }

  fileName(fileId: string): string | undefined {
    return this.#files.get(fileId)?.name;
  }

  fileUrl(fileId: string, name: string): string {
    return `${this.deps.baseUrl()}/files/${fileId}/${encodeURIComponent(name)}`;
  }

  /** The upload URL's handler. Answers like Slack's file host: `200 OK - <bytes>`. */
  async receive(
    uploadToken: string,
    contentType: string | undefined,
    body: Buffer,
  ): Promise<{ status: number; text: string }> {
    const file = [...this.#files.values()].find((candidate) => candidate.uploadToken === uploadToken);
    if (!file) return { status: 404, text: 'upload_url_not_found' };
    file.content = await uploadedBytes(contentType, body);
    return { status: 200, text: `OK - ${file.content.length}` };
  }

  methods(): Record<string, WebApiMethod> {
    const { directory, store, ids, clock } = this.deps;
    return {
      'files.getUploadURLExternal': {
        scope: 'files:write',
        token: 'bot',
        run: (params) => {
          const name = requiredArgument(params, 'filename', z.string().min(1), 'invalid_arguments');
          const length = requiredArgument(
            params,
            'length',
            z.coerce.number().int().positive(),
            'invalid_arguments',
          );
          const file: StoredFile = {
            id: ids.objectId('F'),
            name,
            title: name,
            declaredLength: length,
            uploadToken: ids.token(),
            content: undefined,
            created: Math.floor(clock.now() / 1000),
          };
          this.#files.set(file.id, file);
          return { upload_url: `${this.deps.baseUrl()}/upload/v1/${file.uploadToken}`, file_id: file.id };
        },
      },

      'files.completeUploadExternal': {
        scope: 'files:write',
        token: 'bot',
        run: (params) => {
          const entries = requiredArgument(
            params,
            'files',
            jsonArgument(z.array(z.object({ id: z.string(), title: z.string().optional() })).min(1)),
            'invalid_arguments',
          );
          const files = entries.map((entry) => {
            const file = this.#files.get(entry.id);
            if (!file?.content) throw new SlackApiError('file_not_found');
            if (entry.title) file.title = entry.title;
            return file;
          });
          const channelRef = argument(params, 'channel_id', z.string(), 'channel_not_found');
          const threadTs = argument(params, 'thread_ts', textArgument, 'invalid_thread_ts');
          if (channelRef !== undefined) {
            const channel = directory.channel(channelRef);
            if (!channel) throw new SlackApiError('channel_not_found');
            const parent = threadTs === undefined ? undefined : store.find(channel.id, threadTs);
            if (threadTs !== undefined && !parent) throw new SlackApiError('thread_not_found');
            const blocks = argument(params, 'blocks', blocksArgument, 'invalid_blocks');
            const message: StoredMessage = {
              channel: channel.id,
              ts: ids.messageTs(),
              threadTs: parent ? (parent.threadTs ?? parent.ts) : undefined,
              user: directory.bot.userId,
              botId: directory.bot.botId,
              text: argument(params, 'initial_comment', textArgument, 'invalid_arguments') ?? '',
              blocks: blocks === undefined ? [] : withSlackIds(blocks, () => ids.token().slice(0, 5)),
              metadata: undefined,
              files: files.map((file) => ({
                id: file.id,
                name: file.name,
                title: file.title,
                size: file.content?.length ?? 0,
              })),
              ephemeralTo: undefined,
              edited: false,
              broadcast: false,
              answersRequest: undefined,
            };
            store.add(message);
          }
          return { files: files.map((file) => this.#fileJson(file)) };
        },
      },
    };
  }

  #fileJson(file: StoredFile): Record<string, unknown> {
    const extension = extname(file.name).toLowerCase();
    return {
      id: file.id,
      created: file.created,
      timestamp: file.created,
      name: file.name,
      title: file.title,
      mimetype: MIME_TYPES[extension] ?? 'application/octet-stream',
      filetype: extension.replace('.', '') || 'binary',
      user: this.deps.directory.bot.userId,
      size: file.content?.length ?? 0,
      mode: 'hosted',
      url_private: this.fileUrl(file.id, file.name),
      url_private_download: this.fileUrl(file.id, file.name),
    };
  }
}

/** web-api sends multipart/form-data with the bytes in field `body`; other clients send the raw bytes. */
async function uploadedBytes(contentType: string | undefined, body: Buffer): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return body;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  }).formData();
  for (const [, value] of form.entries()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  const text = form.get('body') ?? form.get('file');
  return Buffer.from(typeof text === 'string' ? text : '');
}
