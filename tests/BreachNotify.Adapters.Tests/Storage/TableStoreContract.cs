using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ITableStore"/> must have (Azure Table storage semantics).
/// Run by SQLite and by the Azure Table storage adapter against Azurite: derive and supply the store.
/// Each test uses a fresh table so suites can share one backing service.
/// </summary>
public abstract class TableStoreContract
{
    protected abstract ITableStore Store { get; }

    private static int s_counter;

    protected static string NewTableName() => "t" + Guid.NewGuid().ToString("N")[..12] + Interlocked.Increment(ref s_counter);

    protected async Task<string> NewTableAsync()
    {
        var name = NewTableName();
        await Store.CreateTableIfNotExistsAsync(name);
        return name;
    }

    protected static TableEntity Entity(string pk, string rk, params (string Name, object? Value)[] props)
    {
        var e = new TableEntity(pk, rk);
        foreach (var (n, v) in props) e[n] = v;
        return e;
    }

    [Fact]
    public async Task Create_table_is_idempotent()
    {
        var t = NewTableName();
        await Store.CreateTableIfNotExistsAsync(t);
        await Store.CreateTableIfNotExistsAsync(t);
        Assert.Null(await Store.GetAsync(t, "p", "r"));
    }

    [Fact]
    public async Task Add_then_get_round_trips_every_property_type()
    {
        var t = await NewTableAsync();
        var when = new DateTimeOffset(2026, 3, 27, 9, 15, 0, 123, TimeSpan.FromHours(1));
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        var etag = await Store.AddAsync(t, Entity("p1", "r1",
            ("Text", "Grüße ✓ 'quoted'"), ("Flag", true), ("Small", 42), ("Big", 9_007_199_254_740_993L),
            ("Ratio", 2.25), ("Whole", 2.0), ("When", when), ("Id", id), ("Bytes", new byte[] { 0, 1, 2, 255 }), ("Nothing", null)));
        Assert.False(string.IsNullOrEmpty(etag));

        var got = await Store.GetAsync(t, "p1", "r1");
        Assert.NotNull(got);
        Assert.Equal(etag, got.ETag);
        Assert.Equal("Grüße ✓ 'quoted'", got.GetString("Text"));
        Assert.True(got.GetBoolean("Flag"));
        Assert.IsType<int>(got["Small"]);
        Assert.Equal(42, got.GetInt32("Small"));
        Assert.IsType<long>(got["Big"]);
        Assert.Equal(9_007_199_254_740_993L, got.GetInt64("Big"));
        Assert.Equal(2.25, got.GetDouble("Ratio"));
        Assert.Equal(2.0, Assert.IsType<double>(got["Whole"])); // a whole double is not read back as an Int32
        Assert.Equal(when.UtcDateTime, got.GetDateTimeOffset("When")!.Value.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, got.GetDateTimeOffset("When")!.Value.Offset);
        Assert.Equal(id, got.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, got.GetBinary("Bytes"));
        Assert.False(got.Properties.ContainsKey("Nothing"));
        Assert.NotNull(got.Timestamp);
    }

    [Fact]
    public async Task Add_twice_throws_already_exists_and_keeps_the_first()
    {
        var t = await NewTableAsync();
        await Store.AddAsync(t, Entity("p", "r", ("V", "first")));
        await Assert.ThrowsAsync<EntityAlreadyExistsException>(() => Store.AddAsync(t, Entity("p", "r", ("V", "second"))));
        Assert.Equal("first", (await Store.GetAsync(t, "p", "r"))!.GetString("V"));
    }

    [Fact]
    public async Task Get_missing_returns_null()
    {
        var t = await NewTableAsync();
        Assert.Null(await Store.GetAsync(t, "nope", "nope"));
    }

    [Fact]
    public async Task Upsert_inserts_then_replaces_whole_entity()
    {
        var t = await NewTableAsync();
        var e1 = await Store.UpsertAsync(t, Entity("p", "r", ("A", "1"), ("B", "1")));
        var e2 = await Store.UpsertAsync(t, Entity("p", "r", ("A", "2")));
        Assert.NotEqual(e1, e2);
        var got = (await Store.GetAsync(t, "p", "r"))!;
        Assert.Equal("2", got.GetString("A"));
        Assert.False(got.Properties.ContainsKey("B"));
    }

    [Fact]
    public async Task Update_with_current_etag_succeeds_and_changes_etag()
    {
        var t = await NewTableAsync();
        var etag = await Store.AddAsync(t, Entity("p", "r", ("V", "1")));
        var next = await Store.UpdateAsync(t, Entity("p", "r", ("V", "2")), etag);
        Assert.NotEqual(etag, next);
        var got = (await Store.GetAsync(t, "p", "r"))!;
        Assert.Equal("2", got.GetString("V"));
        Assert.Equal(next, got.ETag);
    }

    [Fact]
    public async Task Update_with_stale_etag_throws_concurrency_and_changes_nothing()
    {
        var t = await NewTableAsync();
        var stale = await Store.AddAsync(t, Entity("p", "r", ("V", "1")));
        await Store.UpdateAsync(t, Entity("p", "r", ("V", "2")), stale);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(t, Entity("p", "r", ("V", "3")), stale));
        Assert.Equal("2", (await Store.GetAsync(t, "p", "r"))!.GetString("V"));
    }

    [Fact]
    public async Task Update_with_star_is_unconditional_but_requires_existence()
    {
        var t = await NewTableAsync();
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.UpdateAsync(t, Entity("p", "r", ("V", "1")), "*"));
        await Store.AddAsync(t, Entity("p", "r", ("V", "1")));
        await Store.UpdateAsync(t, Entity("p", "r", ("V", "2")), "*");
        Assert.Equal("2", (await Store.GetAsync(t, "p", "r"))!.GetString("V"));
    }

    [Fact]
    public async Task Merge_keeps_other_properties_and_checks_etag()
    {
        var t = await NewTableAsync();
        var etag = await Store.AddAsync(t, Entity("p", "r", ("A", "1"), ("B", "1")));
        var next = await Store.MergeAsync(t, Entity("p", "r", ("B", "2"), ("C", 3)), etag);
        var got = (await Store.GetAsync(t, "p", "r"))!;
        Assert.Equal("1", got.GetString("A"));
        Assert.Equal("2", got.GetString("B"));
        Assert.Equal(3, got.GetInt32("C"));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.MergeAsync(t, Entity("p", "r", ("A", "x")), etag));
        await Store.MergeAsync(t, Entity("p", "r", ("A", "y")), next);
        Assert.Equal("y", (await Store.GetAsync(t, "p", "r"))!.GetString("A"));
    }

    [Fact]
    public async Task Delete_unconditional_is_idempotent_conditional_checks_etag()
    {
        var t = await NewTableAsync();
        await Store.DeleteAsync(t, "p", "missing");
        var etag = await Store.AddAsync(t, Entity("p", "r", ("V", "1")));
        await Store.UpdateAsync(t, Entity("p", "r", ("V", "2")), etag);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.DeleteAsync(t, "p", "r", etag));
        Assert.NotNull(await Store.GetAsync(t, "p", "r"));
        var current = (await Store.GetAsync(t, "p", "r"))!.ETag!;
        await Store.DeleteAsync(t, "p", "r", current);
        Assert.Null(await Store.GetAsync(t, "p", "r"));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.DeleteAsync(t, "p", "r", current));
    }

    [Fact]
    public async Task Transaction_applies_all_operations_and_returns_etags_in_order()
    {
        var t = await NewTableAsync();
        var existing = await Store.AddAsync(t, Entity("p", "u", ("V", "old")));
        await Store.AddAsync(t, Entity("p", "d", ("V", "gone")));
        var etags = await Store.SubmitTransactionAsync(t,
        [
            TableOperation.Add(Entity("p", "a", ("V", "new"))),
            TableOperation.Update(Entity("p", "u", ("V", "updated")), existing),
            TableOperation.Upsert(Entity("p", "s", ("V", "upserted"))),
            TableOperation.Delete(Entity("p", "d")),
        ]);
        Assert.Equal(4, etags.Count);
        Assert.NotNull(etags[0]);
        Assert.Null(etags[3]);
        Assert.Equal(etags[0], (await Store.GetAsync(t, "p", "a"))!.ETag);
        Assert.Equal("updated", (await Store.GetAsync(t, "p", "u"))!.GetString("V"));
        Assert.Equal("upserted", (await Store.GetAsync(t, "p", "s"))!.GetString("V"));
        Assert.Null(await Store.GetAsync(t, "p", "d"));
    }

    [Fact]
    public async Task Failed_transaction_changes_nothing_and_names_the_operation()
    {
        var t = await NewTableAsync();
        var etag = await Store.AddAsync(t, Entity("p", "u", ("V", "old")));
        await Store.UpdateAsync(t, Entity("p", "u", ("V", "newer")), etag);
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Store.SubmitTransactionAsync(t,
        [
            TableOperation.Add(Entity("p", "a", ("V", "new"))),
            TableOperation.Update(Entity("p", "u", ("V", "lost")), etag),
        ]));
        Assert.Equal(1, ex.FailedOperationIndex);
        Assert.IsType<ConcurrencyConflictException>(ex.InnerException);
        Assert.Null(await Store.GetAsync(t, "p", "a"));
        Assert.Equal("newer", (await Store.GetAsync(t, "p", "u"))!.GetString("V"));
    }

    [Fact]
    public async Task Transaction_add_conflict_reports_already_exists()
    {
        var t = await NewTableAsync();
        await Store.AddAsync(t, Entity("p", "b"));
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Store.SubmitTransactionAsync(t,
            [TableOperation.Add(Entity("p", "a")), TableOperation.Add(Entity("p", "b"))]));
        Assert.Equal(1, ex.FailedOperationIndex);
        Assert.IsType<EntityAlreadyExistsException>(ex.InnerException);
        Assert.Null(await Store.GetAsync(t, "p", "a"));
    }

    [Fact]
    public async Task Transaction_rejects_mixed_partitions_and_oversized_batches()
    {
        var t = await NewTableAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SubmitTransactionAsync(t,
            [TableOperation.Add(Entity("p1", "a")), TableOperation.Add(Entity("p2", "a"))]));
        var tooMany = Enumerable.Range(0, 101).Select(i => TableOperation.Add(Entity("p", $"r{i:D3}"))).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SubmitTransactionAsync(t, tooMany));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SubmitTransactionAsync(t, []));
        Assert.Empty((await Store.QueryAsync(t, new TableQuery("p"))).Items);
    }

    [Fact]
    public async Task Transaction_of_100_adds_succeeds()
    {
        var t = await NewTableAsync();
        var ops = Enumerable.Range(0, 100).Select(i => TableOperation.Add(Entity("p", $"r{i:D3}", ("I", i)))).ToList();
        var etags = await Store.SubmitTransactionAsync(t, ops);
        Assert.Equal(100, etags.Count);
        var all = await Store.QueryAllAsync(t, new TableQuery("p")).ToListAsync();
        Assert.Equal(100, all.Count);
    }

    [Fact]
    public async Task Several_transactions_succeed_or_fail_each_on_its_own()
    {
        var t = await NewTableAsync();
        await Store.AddAsync(t, Entity("b", "taken", ("V", "old")));

        var results = await Store.SubmitTransactionsAsync(t,
        [
            [TableOperation.Add(Entity("a", "r1", ("V", 1))), TableOperation.Add(Entity("a", "r2", ("V", 2)))],
            [TableOperation.Add(Entity("b", "fresh", ("V", 3))), TableOperation.Add(Entity("b", "taken", ("V", "new")))],
            [TableOperation.Add(Entity("c", "r1", ("V", 4)))],
        ]);

        Assert.Equal(3, results.Count);
        Assert.True(results[0].Succeeded);
        Assert.Equal(2, results[0].ETags!.Count);
        Assert.Equal(results[0].ETags![0], (await Store.GetAsync(t, "a", "r1"))!.ETag);
        Assert.False(results[1].Succeeded);
        Assert.Equal(1, results[1].Failure!.FailedOperationIndex);
        Assert.IsType<EntityAlreadyExistsException>(results[1].Failure!.InnerException);
        Assert.Null(await Store.GetAsync(t, "b", "fresh"));                     // the failed one changed nothing
        Assert.Equal("old", (await Store.GetAsync(t, "b", "taken"))!.GetString("V"));
        Assert.NotNull(await Store.GetAsync(t, "c", "r1"));                     // and the one after it still applied
    }

    [Fact]
    public async Task Several_transactions_on_one_partition_apply_in_the_order_given()
    {
        var t = await NewTableAsync();
        var results = await Store.SubmitTransactionsAsync(t,
        [
            [TableOperation.Add(Entity("p", "r", ("V", "first")))],
            [TableOperation.Upsert(Entity("p", "r", ("V", "second"))), TableOperation.Add(Entity("p", "s"))],
            [TableOperation.Delete(Entity("p", "s"))],
        ]);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal("second", (await Store.GetAsync(t, "p", "r"))!.GetString("V"));
        Assert.Null(await Store.GetAsync(t, "p", "s"));
    }

    [Fact]
    public async Task Query_returns_one_partition_in_row_key_order_with_range()
    {
        var t = await NewTableAsync();
        foreach (var rk in new[] { "b", "a", "c|2", "c|1", "d" }) await Store.AddAsync(t, Entity("p", rk));
        await Store.AddAsync(t, Entity("other", "a"));
        var all = (await Store.QueryAsync(t, new TableQuery("p"))).Items.Select(e => e.RowKey);
        Assert.Equal(new[] { "a", "b", "c|1", "c|2", "d" }, all);
        var prefixed = (await Store.QueryAsync(t, TableQuery.WithPrefix("p", "c|"))).Items.Select(e => e.RowKey);
        Assert.Equal(new[] { "c|1", "c|2" }, prefixed);
        var range = (await Store.QueryAsync(t, new TableQuery("p", RowKeyFrom: "b", RowKeyTo: "d"))).Items.Select(e => e.RowKey);
        Assert.Equal(new[] { "b", "c|1", "c|2" }, range);
    }

    [Fact]
    public async Task Query_pages_with_continuation_tokens_until_done()
    {
        var t = await NewTableAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            var ops = Enumerable.Range(0, 100).Select(i => TableOperation.Add(Entity("p", $"r{batch * 100 + i:D4}"))).ToList();
            await Store.SubmitTransactionAsync(t, ops);
        }
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryAsync(t, new TableQuery("p", PageSize: 70, ContinuationToken: token));
            Assert.True(page.Items.Count <= 70);
            seen.AddRange(page.Items.Select(e => e.RowKey));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(300, seen.Count);
        Assert.Equal(seen.OrderBy(s => s, StringComparer.Ordinal), seen);
        Assert.Equal(300, seen.Distinct().Count());
        Assert.True(pages >= 5);
    }

    [Fact]
    public async Task Query_of_empty_partition_returns_empty_page_without_token()
    {
        var t = await NewTableAsync();
        var page = await Store.QueryAsync(t, new TableQuery("empty"));
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Rows_with_different_property_names_read_back_each_with_its_own()
    {
        var t = await NewTableAsync();
        var rows = new (string Key, (string Name, object? Value)[] Props)[]
        {
            ("a", [("Email", "a@example.com"), ("Name", "A"), ("Kind", "x")]),
            ("b", [("Email", "b@example.com"), ("Kind", "y")]),
            ("c", [("Kind", "z"), ("Email", "c@example.com"), ("Name", "C"), ("Extra", 3)]),
            ("d", [("Emai", "short"), ("Name\u00e9", "escaped-looking")]),
            ("e", [("Email", "e@example.com"), ("Name", "E"), ("Kind", "x")]),
        };
        await Store.SubmitTransactionAsync(t, rows.Select(r => TableOperation.Add(Entity("p", r.Key, r.Props))).ToList());

        foreach (var read in new[] { (await Store.QueryAsync(t, new TableQuery("p"))).Items, await Store.GetManyAsync(t, "p", rows.Select(r => r.Key).ToList(), 2) })
        {
            foreach (var (key, props) in rows)
            {
                var e = read.Single(x => x.RowKey == key);
                Assert.Equal(props.Select(p => p.Name).Order(StringComparer.Ordinal), e.Properties.Keys.Order(StringComparer.Ordinal));
                Assert.All(props, p => Assert.Equal(p.Value, e[p.Name]));
            }
        }
    }

    [Fact]
    public async Task Get_many_returns_the_rows_asked_for_and_leaves_out_missing_keys()
    {
        var t = await NewTableAsync();
        await Store.SubmitTransactionAsync(t, Enumerable.Range(0, 20).Select(i => TableOperation.Add(Entity("p", $"r{i:D2}", ("V", i)))).ToList());
        await Store.AddAsync(t, Entity("p", "r05x", ("V", -1))); // sorts right after a key asked for: not returned
        await Store.AddAsync(t, Entity("other", "r07", ("V", -2)));
        var etag = (await Store.GetAsync(t, "p", "r07"))!.ETag;

        var got = await Store.GetManyAsync(t, "p", ["r07", "r03", "r05", "nope", "r19", "r07"], 4);

        Assert.Equal(["r03", "r05", "r07", "r19"], got.Select(e => e.RowKey).Order(StringComparer.Ordinal));
        Assert.All(got, e => Assert.Equal(int.Parse(e.RowKey[1..], System.Globalization.CultureInfo.InvariantCulture), e.GetInt32("V")));
        Assert.Equal(etag, got.Single(e => e.RowKey == "r07").ETag);
        Assert.All(got, e => Assert.Equal("p", e.PartitionKey));
        Assert.Empty(await Store.GetManyAsync(t, "p", [], 4));
        Assert.Empty(await Store.GetManyAsync(t, "empty", ["r03"], 4));
    }

    [Fact]
    public async Task Get_many_finds_keys_far_apart_with_many_rows_between()
    {
        // 1,200 rows between two keys asked for: more than a range read keeps going for (4 per key + 1,000), so the
        // default reads the far key on its own.
        var t = await NewTableAsync();
        for (var batch = 0; batch < 12; batch++)
            await Store.SubmitTransactionAsync(t, Enumerable.Range(0, 100).Select(i => TableOperation.Add(Entity("p", $"m{batch * 100 + i:D4}"))).ToList());
        await Store.SubmitTransactionAsync(t, [TableOperation.Add(Entity("p", "a", ("V", "first"))), TableOperation.Add(Entity("p", "z'ü", ("V", "last")))]);

        var got = await Store.GetManyAsync(t, "p", ["z'ü", "a", "m0600"], 2);

        Assert.Equal(["a", "m0600", "z'ü"], got.Select(e => e.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal("last", got.Single(e => e.RowKey == "z'ü").GetString("V"));
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_and_unicode_round_trip()
    {
        var t = await NewTableAsync();
        const string pk = "it's a key ü";
        const string rk = "o'brien+x%20=y&z";
        await Store.AddAsync(t, Entity(pk, rk, ("V", "ok")));
        Assert.Equal("ok", (await Store.GetAsync(t, pk, rk))!.GetString("V"));
        Assert.Single((await Store.QueryAsync(t, new TableQuery(pk))).Items);
    }

    [Fact]
    public void Keys_with_forbidden_characters_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TableEntity("a/b", "r"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "a#b"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "a?b"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "a\\b"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "a\nb"));
    }

    [Fact]
    public async Task Concurrent_conditional_updates_let_exactly_one_win()
    {
        var t = await NewTableAsync();
        var etag = await Store.AddAsync(t, Entity("p", "r", ("V", 0)));
        var attempts = Enumerable.Range(1, 8).Select(async i =>
        {
            try { await Store.UpdateAsync(t, Entity("p", "r", ("V", i)), etag); return true; }
            catch (ConcurrencyConflictException) { return false; }
        });
        var results = await Task.WhenAll(attempts);
        Assert.Equal(1, results.Count(r => r));
    }
}
