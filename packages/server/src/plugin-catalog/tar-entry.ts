/**
 * Finds one regular file in a tar archive (ustar, GNU or PAX, as image
 * builders write them) already in memory. Enough for an OCI image layer that
 * carries a plugin binary; a general tar reader is not needed.
 */
export function findTarEntry(tar: Buffer, wanted: (path: string) => boolean): Buffer | undefined {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined; // end of archive
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const bodyStart = offset + 512;
    const body = tar.subarray(bodyStart, bodyStart + size);
    offset = bodyStart + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = cString(body); // GNU long name of the next entry
      continue;
    }
    if (type === 'x') {
      longName = paxPath(body) ?? longName; // PAX extended header of the next entry
      continue;
    }
    const prefix = cString(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = undefined;
    if ((type === '0' || type === '\0') && wanted(name.replace(/^\.\//, ''))) return Buffer.from(body);
  }
  return undefined;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  // Sizes past 8 GiB use a base-256 form; a plugin binary never is one.
  const text = cString(bytes).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The `path` record of a PAX header ("<len> path=<value>\n" records). */
function paxPath(body: Buffer): string | undefined {
  for (const record of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}
