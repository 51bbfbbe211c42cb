/**
 * A data table: a caption for screen readers, one header row naming the
 * columns, and the rows given as children.
 */
export function Table({ caption, columns, children }: { caption: React.ReactNode; columns: string[]; children: React.ReactNode }) {
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
