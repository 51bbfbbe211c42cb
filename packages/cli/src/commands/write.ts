import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { runDataWrite } from '../cli/data-write.js';

export const writeCommand: Command = {
  name: 'write',
  synopsis: 'Write data, configuration, and secrets',
  help: `
Usage: ${CLI_NAME} write [options] PATH [DATA K=V...]

  Writes data to the server at the given path. The data can be credentials,
  secrets, configuration, or arbitrary data.

  Data is given as key=value pairs. A value beginning with "@" is read from
  the file named after it; a value of "-" is read from stdin. An argument of
  "@file.json" or "-" alone supplies a whole JSON object.

      $ ${CLI_NAME} write secret/password value=itsasecret
      $ ${CLI_NAME} write auth/userpass/users/alice password=@password.txt
      $ echo '{"value":"x"}' | ${CLI_NAME} write secret/foo -

  Use -force to write to a path that takes no data:

      $ ${CLI_NAME} write -force auth/approle/role/my-role/secret-id`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'force',
      aliases: ['f'],
      kind: 'bool',
      usage: 'Allow the operation to continue with no key=value pairs. This allows writing to keys that do not need or expect data.',
    },
  ],
  run(ctx) {
    return runDataWrite(ctx, 'write');
  },
};
