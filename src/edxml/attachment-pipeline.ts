/**
 * One attachment of a streamed read: base64 text in (synchronously, from the tree builder),
 * the file as the sender meant it out to the caller's sink (asynchronously, with
 * backpressure), both forms hashed on the way. A one-entry ZIP is unwrapped as it streams.
 * @internal
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import { Base64Decoder } from './base64-decoder.js';
import { fileContentType, looksLikeZip, shouldUnwrap } from './content-type.js';
import type { TextSink } from './xml-tree.js';
import { ZipStreamUnwrapper } from './zip-stream-unwrapper.js';

/** Where a streamed attachment goes; each method is awaited before more input is read. */
export interface AttachmentSink {
  /** Receives the file's bytes in order. */
  write(chunk: Uint8Array): Promise<void> | void;
  /** Called once after the last byte, when the attachment was read and checked. */
  end(): Promise<void> | void;
  /** Called instead of (or after) `end` when the package is refused: discard what was written. */
  abort?(reason: unknown): Promise<void> | void;
}

/** What a sink is told when it is opened. */
export interface AttachmentSinkInfo {
  readonly contentId: string;
  /** Safe file name (cleaned; never a path). */
  readonly name: string;
  /** MIME type of the file as the sender meant it. */
  readonly contentType: string;
  /** Position among the package's attachments (0-based). */
  readonly index: number;
}

/** What a finished pipeline measured. */
export interface PipelineResult {
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly isZip: boolean;
  readonly wrapped: boolean;
  readonly entryName?: string;
  readonly transferSize: number;
  readonly transferSha256: string;
}

export interface PipelineSetup {
  readonly contentId: string;
  readonly name: string;
  readonly declaredContentType: string | undefined;
  readonly index: number;
  /** XML path of the content element. */
  readonly path: string;
  readonly unwrap: boolean;
  readonly maxAttachmentBytes: number;
  readonly openSink: (info: AttachmentSinkInfo) => AttachmentSink;
}

/** Drives one attachment from base64 text to its sink. */
export class AttachmentPipeline {
  private readonly decoder: Base64Decoder;
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private done = false;
  private head: Uint8Array[] = [];
  private headLength = 0;
  private mode: 'undecided' | 'plain' | 'unwrap' = 'undecided';
  private isZip = false;
  private sink: AttachmentSink | undefined;
  private unwrapper: ZipStreamUnwrapper | undefined;
  private entryName: string | undefined;
  private contentType = '';
  private readonly transferHash: Hash = createHash('sha256');
  private readonly fileHash: Hash = createHash('sha256');
  private transferSize = 0;
  private fileSize = 0;
  private outcome: PipelineResult | undefined;

  /** The synchronous side, for the tree builder. */
  readonly textSink: TextSink;

  constructor(private readonly setup: PipelineSetup) {
    this.decoder = new Base64Decoder(setup.path);
    this.textSink = {
      write: (piece) => {
        const b = this.decoder.write(piece);
        if (b.length > 0) this.queue.push(b);
      },
      writeBytes: (bytes) => {
        const b = this.decoder.writeBytes(bytes);
        if (b.length > 0) this.queue.push(b);
      },
      end: () => {
        const b = this.decoder.end();
        if (b.length > 0) this.queue.push(b);
        this.ended = true;
      },
    };
  }

  /** True once the content ended and everything reached the sink. */
  get finished(): boolean {
    return this.done;
  }

  /** The measurements, once finished. */
  get result(): PipelineResult | undefined {
    return this.outcome;
  }

  /**
   * Moves the decoded bytes queued so far down the pipeline; finishes when the content ended.
   * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT when a wrapped archive is refused; sink errors as thrown
   */
  async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const bytes = this.queue.shift()!;
      this.transferSize += bytes.length;
      this.transferHash.update(bytes);
      await this.route(bytes);
    }
    if (this.ended && !this.done) await this.finish();
  }

  /** Tells the sink the package was refused; stops inflating. Never throws. */
  async abort(reason: unknown): Promise<void> {
    this.unwrapper?.destroy();
    this.queue.length = 0;
    const sink = this.sink;
    this.sink = undefined;
    try {
      await sink?.abort?.(reason);
    } catch {
      // the original failure is what the caller needs to see
    }
  }

  private async route(bytes: Uint8Array): Promise<void> {
    if (this.mode === 'undecided') {
      this.head.push(bytes);
      this.headLength += bytes.length;
      if (this.headLength < 4) return;
      const held = Buffer.concat(this.head);
      this.head = [];
      await this.decide(held);
      return;
    }
    if (this.mode === 'unwrap') await this.unwrapper!.write(bytes);
    else await this.deliver(bytes);
  }

  private async decide(held: Uint8Array): Promise<void> {
    const s = this.setup;
    this.isZip = looksLikeZip(held);
    if (shouldUnwrap(held, s.name, s.unwrap)) {
      this.mode = 'unwrap';
      this.unwrapper = new ZipStreamUnwrapper({
        maxBytes: s.maxAttachmentBytes,
        path: s.path,
        onEntry: (entryName) => {
          this.entryName = entryName;
          this.open(fileContentType({ declared: s.declaredContentType, name: s.name, isZip: true, entryName }));
        },
        onData: (chunk) => this.deliver(chunk),
      });
      await this.unwrapper.write(held);
      return;
    }
    this.mode = 'plain';
    this.open(fileContentType({ declared: s.declaredContentType, name: s.name, isZip: this.isZip }));
    if (held.length > 0) await this.deliver(held);
  }

  private open(contentType: string): void {
    const s = this.setup;
    this.contentType = contentType;
    this.sink = s.openSink({ contentId: s.contentId, name: s.name, contentType, index: s.index });
  }

  private async deliver(chunk: Uint8Array): Promise<void> {
    this.fileSize += chunk.length;
    // a plain attachment's file is its transfer bytes, each delivered once, in order: the
    // transfer hash is its hash (finish), no second SHA-256 over the same bytes
    if (this.mode !== 'plain') this.fileHash.update(chunk);
    await this.sink!.write(chunk);
  }

  private async finish(): Promise<void> {
    if (this.mode === 'undecided') await this.decide(Buffer.concat(this.head));
    if (this.mode === 'unwrap') await this.unwrapper!.end();
    await this.sink!.end();
    this.done = true;
    const transferSha256 = this.transferHash.digest('hex');
    this.outcome = {
      contentType: this.contentType,
      size: this.fileSize,
      sha256: this.mode === 'plain' ? transferSha256 : this.fileHash.digest('hex'),
      isZip: this.isZip,
      wrapped: this.mode === 'unwrap',
      ...(this.entryName !== undefined && { entryName: this.entryName }),
      transferSize: this.transferSize,
      transferSha256,
    };
  }
}
