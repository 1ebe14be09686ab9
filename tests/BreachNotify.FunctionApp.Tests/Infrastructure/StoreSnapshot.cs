using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace BreachNotify.FunctionApp.Tests.Infrastructure;

/// <summary>
/// Everything the app has stored (every entity's table, keys and ETag in the factory's SQLite file), as one hash:
/// equal before and after a request means the request changed nothing.
/// </summary>
public static class StoreSnapshot
{
    public static string Take(BreachNotifyFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        using var connection = Open(factory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tbl, pk, rk, etag FROM entities ORDER BY tbl, pk, rk";
        using var reader = command.ExecuteReader();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            for (var i = 0; i < 4; i++) hash.AppendData(Encoding.UTF8.GetBytes(reader.GetString(i) + "\u001f"));
        }
        return $"{rows}:{Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    /// <summary>Every stored row (table, keys and properties) whose text contains <paramref name="text"/>, ignoring case.</summary>
    public static IReadOnlyList<string> RowsContaining(BreachNotifyFactory factory, string text)
    {
        ArgumentNullException.ThrowIfNull(factory);
        using var connection = Open(factory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tbl, pk, rk, props FROM entities";
        using var reader = command.ExecuteReader();
        var found = new List<string>();
        while (reader.Read())
        {
            var row = $"{reader.GetString(0)}/{reader.GetString(1)}/{reader.GetString(2)} {reader.GetString(3)}";
            if (row.Contains(text, StringComparison.OrdinalIgnoreCase)) found.Add(row);
        }
        return found;
    }

    /// <summary>The app's SQLite file, read-only (the app, and so its database, is started first).</summary>
    private static SqliteConnection Open(BreachNotifyFactory factory)
    {
        _ = factory.Server;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(factory.DataDirectory, "test.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
