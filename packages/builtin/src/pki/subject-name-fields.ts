import type { FieldSchema } from '@coffer/sdk';

/** A comma-separated list field (a JSON array is accepted too). */
export const commaListField = (description: string, def: string[] = []): FieldSchema & { type: 'comma-string-slice' } => ({ type: 'comma-string-slice', description, default: def });

/** The subject name attributes beyond the common name, as roles and CA requests both take them. */
export const SUBJECT_NAME_FIELDS = {
  ou: commaListField('Subject OU.'),
  organization: commaListField('Subject O.'),
  country: commaListField('Subject C.'),
  locality: commaListField('Subject L.'),
  province: commaListField('Subject ST.'),
  street_address: commaListField('Subject street address.'),
  postal_code: commaListField('Subject postal code.'),
} satisfies Record<string, FieldSchema>;
