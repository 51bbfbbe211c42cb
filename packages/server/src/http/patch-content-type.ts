/** The only body format a PATCH takes: a JSON merge patch (RFC 7396). */
export const MERGE_PATCH_CONTENT_TYPE = 'application/merge-patch+json';

/** RFC 7230 token characters, which a media type's type and subtype are made of. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);

export interface ContentTypeRefusal {
  status: 400 | 415;
  message: string;
}

/**
 * Vault refuses a PATCH whose body is not declared as a JSON merge patch
 * before it looks at the body or the token: a Content-Type that is missing
 * or not a media type at all is a bad request (400), a well-formed but
 * different one is an unsupported media type (415). Returns undefined when
 * the request may go on.
 */
export function patchContentTypeRefusal(header: string | undefined): ContentTypeRefusal | undefined {
  const mediaType = (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!MEDIA_TYPE.test(mediaType)) {
    return {
      status: 400,
      message: `PATCH needs a Content-Type header of ${MERGE_PATCH_CONTENT_TYPE}; ${header ? 'the one given is not a media type' : 'the request has none'}`,
    };
  }
  if (mediaType !== MERGE_PATCH_CONTENT_TYPE) {
    return {
      status: 415,
      message: `PATCH requires Content-Type of ${MERGE_PATCH_CONTENT_TYPE} (a JSON merge patch), got "${mediaType}"`,
    };
  }
  return undefined;
}
