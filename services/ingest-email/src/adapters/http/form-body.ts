import { InvalidArgumentError } from '@omni/errors';
import busboy from 'busboy';
import type { Request } from 'express';

export interface FormBody {
  fields: Map<string, string>;
  /** File parts by field name, e.g. a raw MIME sent as a file. */
  files: Map<string, Buffer>;
}

/** A body over the limit: http-errors' shape, so the error handler answers 413 in the one error shape. */
export function payloadTooLarge(limit: number): Error {
  return Object.assign(new Error(`request body exceeds ${limit} bytes`), { status: 413, expose: true });
}

/**
 * Reads a multipart/form-data or urlencoded webhook body into memory, bounded
 * by `limitBytes`. Buffered on purpose: the signature may arrive after the
 * message in the form, and nothing is stored before the request is verified.
 */
export function readFormBody(req: Request, limitBytes: number): Promise<FormBody> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) return Promise.reject(payloadTooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fieldSize: limitBytes, fileSize: limitBytes, fields: 200, files: 50, parts: 250 },
      });
    } catch (error: unknown) {
      reject(
        new InvalidArgumentError(`expected a multipart/form-data or urlencoded body: ${(error as Error).message}`),
      );
      return;
    }
    const fields = new Map<string, string>();
    const files = new Map<string, Buffer>();
    const pendingFiles: Promise<void>[] = [];
    let total = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    const count = (bytes: number) => {
      total += bytes;
      if (total > limitBytes) fail(payloadTooLarge(limitBytes));
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(payloadTooLarge(limitBytes));
      count(Buffer.byteLength(value));
      if (!fields.has(name)) fields.set(name, value);
    });
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        count(chunk.length);
        if (!failed) chunks.push(chunk);
      });
      stream.on('limit', () => fail(payloadTooLarge(limitBytes)));
      pendingFiles.push(
        new Promise((done) =>
          stream.on('end', () => {
            if (!files.has(name)) files.set(name, Buffer.concat(chunks));
            done();
          }),
        ),
      );
    });
    parser.on('error', (error: unknown) =>
      fail(new InvalidArgumentError(`malformed form body: ${(error as Error).message}`)),
    );
    parser.on('close', () => {
      void Promise.all(pendingFiles).then(() => {
        if (!failed) resolve({ fields, files });
      });
    });
    req.pipe(parser);
  });
}

/** A form value sent as a field or as a file part. */
export function formValue(form: FormBody, name: string): Buffer | undefined {
  const field = form.fields.get(name);
  if (field !== undefined) return Buffer.from(field, 'utf8');
  return form.files.get(name);
}
