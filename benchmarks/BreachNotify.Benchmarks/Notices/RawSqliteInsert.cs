using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>
/// The machine's own limit for the recipients import: one plain transaction inserting n rows with random 64-hex keys
/// into a <c>WITHOUT ROWID</c> table (one prepared statement, SQLite's default page cache, WAL with synchronous=NORMAL
/// as the product runs). Each value is as long as a stored recipient's properties, so the bytes written compare.
/// Nothing about the import's guarantees (dedupe with exact counts, crash-safe batches, streaming) is paid for here.
/// </summary>
internal static class RawSqliteInsert
{
    /// <summary>A recipient's stored properties in the store's JSON encoding are about this long (measured: 150–175 bytes).</summary>
    public const int ValueBytes = 170;

    /// <returns>The time for the whole insert (commit included) and rows per second over its first and last tenth.</returns>
    public static (TimeSpan Elapsed, double First, double Last) Run(string directory, int n)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "raw.db");
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;";
            setup.ExecuteNonQuery();
        }
        var value = new string('x', ValueBytes);
        var key = new byte[32];
        var tenths = new TimeSpan[11];
        var sw = Stopwatch.StartNew();
        using (var tx = c.BeginTransaction())
        {
            using var insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO t (k, v) VALUES ($k, $v)";
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var v = insert.Parameters.Add("$v", SqliteType.Text);
            v.Value = value;
            insert.Prepare();
            for (var i = 0; i < n; i++)
            {
                RandomNumberGenerator.Fill(key);
                k.Value = Convert.ToHexStringLower(key);
                insert.ExecuteNonQuery();
                if ((i + 1) % Math.Max(1, n / 10) == 0 && (i + 1) / Math.Max(1, n / 10) <= 10) tenths[(i + 1) / Math.Max(1, n / 10)] = sw.Elapsed;
            }
            tx.Commit();
        }
        sw.Stop();
        using (var count = c.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM t";
            var rows = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (rows != n) throw new InvalidOperationException($"Raw insert stored {rows} rows, expected {n}.");
        }
        var tenth = n / 10.0;
        return (sw.Elapsed, tenth / tenths[1].TotalSeconds, tenth / (tenths[10] - tenths[9]).TotalSeconds);
    }
}
