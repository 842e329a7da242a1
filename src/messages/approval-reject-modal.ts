import { clip, escapeMrkdwn } from './blocks.js';

export const REJECT_MODAL = 'approval_reject_reason';
export const REASON_BLOCK = 'reason';
export const REASON_INPUT = 'reason_text';

type PlainText = { type: 'plain_text'; text: string };

/** A Block Kit modal, as views.open takes it. */
export interface ModalView {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  blocks: Array<{ type: string; block_id?: string; [key: string]: unknown }>;
}

/** The modal Reject opens: a reason, which goes into the request's thread. `ref` travels as private metadata. */
export function rejectModal(view: { ref: string; text: string; slash: string }): ModalView {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL,
    private_metadata: view.ref,
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Reject \`${escapeMrkdwn(`${view.slash} ${view.text}`)}\`? The reason goes into the request's thread.`,
          ),
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: REASON_INPUT,
          multiline: true,
          max_length: 1000,
          placeholder: { type: 'plain_text', text: 'Why not, or what to do instead' },
        },
      },
    ],
  };
}
