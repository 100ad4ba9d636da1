// POST /api/vms/<id>/console: types the request body's bytes (1-4096, application/octet-stream)
// on the VM's serial console through VmService.SendConsoleInput. The browser sends one request
// at a time per console, in the order typed (app/lib/live/console-input.ts); the daemon keeps
// calls in order. proxy.ts has already refused foreign Hosts and other sites' requests (the
// Origin check is what keeps another site from typing here); without a live session, 401.
// Answers are plain text an operator can read; 503 means "try again", the rest is final.
import * as grpc from '@grpc/grpc-js';
import type { NextRequest } from 'next/server';
import { SendConsoleInputRequest } from '../../../../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, call } from '../../../../lib/backend.ts';
import { MAX_INPUT_BYTES } from '../../../../lib/live/console-input.ts';
import { currentSession } from '../../../../lib/session.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const PLAIN_TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

function answer(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: PLAIN_TEXT });
}

/** The HTTP status of a daemon refusal: 503 for what passes, the rest final. */
function statusOf(code: grpc.status): number {
  switch (code) {
    case grpc.status.NOT_FOUND:
      return 404;
    case grpc.status.FAILED_PRECONDITION:
      return 409;
    case grpc.status.INVALID_ARGUMENT:
      return 400;
    case grpc.status.UNAUTHENTICATED:
      return 401;
    case grpc.status.RESOURCE_EXHAUSTED:
      return 429;
    default:
      return 503;
  }
}

export async function POST(request: NextRequest, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    if ((await currentSession()) === null)
      return answer(401, 'Not signed in, or the session has ended: sign in at /sign-in.');
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return answer(503, `Cannot check the session: ${err.message}`);
  }
  const { id } = await context.params;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_INPUT_BYTES) return answer(413, `Console input is at most ${MAX_INPUT_BYTES} bytes a request.`);
  const data = new Uint8Array(await request.arrayBuffer());
  if (data.length === 0) return answer(400, 'No console input: the body must hold the bytes to type.');
  if (data.length > MAX_INPUT_BYTES) return answer(413, `Console input is at most ${MAX_INPUT_BYTES} bytes a request.`);
  try {
    await call(
      (c) => c.vms.sendConsoleInput.bind(c.vms),
      SendConsoleInputRequest.fromPartial({ id, data: Buffer.from(data) }),
    );
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return answer(statusOf(err.code), err.code === grpc.status.UNAVAILABLE ? err.message : err.details);
  }
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
}
