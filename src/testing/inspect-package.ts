/**
 * What {@link LocalAxis} needs from a package to route it, read with the real edXML reader.
 * @module
 */
import { parseEdxml } from '../edxml/parse.js';

/** Routing facts of one package. */
export interface PackageFacts {
  readonly kind: 'edoc' | 'status';
  /** Agency codes the package goes to: every `To` of an edoc, `ResponseFor/OrganId` of a status. */
  readonly recipients: string[];
  /** For `getSentEdocList`: the subject, or the status code and description. */
  readonly title: string;
  /** `Number/Notation` of the document (for a status, of the document reported on). */
  readonly notation: string;
}

/**
 * Reads a package with `parseEdxml` (hostile-input safe) and extracts its routing facts.
 * @throws {EdxmlError} whatever the reader refuses
 */
export function inspectPackage(bytes: Uint8Array): PackageFacts {
  const message = parseEdxml(bytes);
  if (message.kind === 'edoc') {
    return {
      kind: 'edoc',
      recipients: [...new Set(message.to.map((o) => o.organId))],
      title: message.subject,
      notation: `${message.code.codeNumber}/${message.code.codeNotation}`,
    };
  }
  return {
    kind: 'status',
    recipients: [message.responseFor.organId],
    title: `${message.statusCode}${message.description ? ` ${message.description}` : ''}`,
    notation: message.responseFor.code,
  };
}
