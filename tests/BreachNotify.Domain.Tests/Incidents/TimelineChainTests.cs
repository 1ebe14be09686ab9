using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Tests.Incidents;

public sealed class TimelineChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly Actor Reporter = new("sam", "reporter");
    private static readonly Actor Dpo = new("dana", "dpo");

    /// <summary>An entry with every kind of text the canonical form must get exactly right.</summary>
    private static readonly TimelineEntry Tricky = new(7, new DateTimeOffset(2026, 3, 27, 13, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567), "dana", "dpo", "decision-recorded",
        [new("notifyAuthority", null, "true"), new("note", "a\"b\\c", "line1\nline2\t\u0001\u001f\u007f é 😀 \u2028 </script>")],
        "Zoë <b>&' x\ud800y", """{"risk":"high","score":3.5}""", Hash: "ignored");

    // Known answers computed independently with Python:
    //   json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    //   hashlib.sha256(genesis.encode("ascii") + canonical).hexdigest()
    private const string TrickyCanonicalHex =
        "7b22616374696f6e223a226465636973696f6e2d7265636f72646564222c226163746f72223a2264616e61222c226163746f72526f6c65223a2264706f222c" +
        "226174223a22323032362d30332d32375431323a30303a30302e313233343536375a222c226368616e676573223a5b7b226669656c64223a226e6f7469667941" +
        "7574686f72697479222c226e657756616c7565223a2274727565222c226f6c6456616c7565223a6e756c6c7d2c7b226669656c64223a226e6f7465222c226e65" +
        "7756616c7565223a226c696e65315c6e6c696e65325c745c75303030315c75303031667f20c3a920f09f988020e280a8203c2f7363726970743e222c226f6c64" +
        "56616c7565223a22615c22625c5c63227d5d2c2264657461696c73223a227b5c227269736b5c223a5c22686967685c222c5c2273636f72655c223a332e357d22" +
        "2c226e6f7465223a225a6fc3ab203c623e26272078eda08079222c2273657175656e6365223a377d";
    private const string TrickyGenesis = "d5e50b5a5e225b35cad70245a60744ab0a32da3b450c76432349e7547cae89df";
    private const string TrickyHash = "8742debb8097d55469485808eb84ab97fa5e8f8660730c468eff2df0e61090b9";

    [Fact]
    public void Canonical_form_is_rfc8785_json_of_the_entry_as_an_independent_implementation_writes_it()
    {
        Assert.Equal(TrickyCanonicalHex, Convert.ToHexStringLower(TimelineChain.Canonical(Tricky)));
        Assert.Equal(TrickyGenesis, TimelineChain.Genesis("inc-20260327-abc"));
        Assert.Equal(TrickyHash, TimelineChain.Hash(TrickyGenesis, Tricky));
    }

    [Fact]
    public void Genesis_is_the_sha256_of_the_incident_id_and_instants_keep_every_tick()
    {
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("inc-1"))), TimelineChain.Genesis("inc-1"));
        Assert.Equal("2026-03-27T12:00:00.0000000Z", TimelineChain.FormatInstant(Now));
        Assert.Equal("2026-03-27T10:00:00.0000001Z", TimelineChain.FormatInstant(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1)));
    }

    /// <summary>Every member of an entry except its hash is covered: a member added later without canonical form fails here.</summary>
    [Fact]
    public void Every_member_of_an_entry_changes_the_canonical_form()
    {
        var ctor = typeof(TimelineEntry).GetConstructors().Single(c => c.GetParameters().Length > 1);
        var parameters = ctor.GetParameters();
        Assert.Equal(typeof(TimelineEntry).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract").Select(p => p.Name).Order(),
            parameters.Select(p => p.Name!).Order());
        object?[] Values() => [.. parameters.Select(p => typeof(TimelineEntry).GetProperty(p.Name!)!.GetValue(Tricky))];
        var baseline = TimelineChain.Canonical(Tricky);
        foreach (var p in parameters)
        {
            var values = Values();
            values[p.Position] = values[p.Position] switch
            {
                long l => l + 1,
                DateTimeOffset t => t.AddTicks(1),
                string s => s + "x",
                null => "set",
                IReadOnlyList<FieldChange> list => list.Take(1).ToList(),
                var other => throw new InvalidOperationException($"Give {p.Name} ({other.GetType().Name}) a variation here."),
            };
            var changed = TimelineChain.Canonical((TimelineEntry)ctor.Invoke(values));
            if (p.Name == nameof(TimelineEntry.Hash)) Assert.Equal(baseline, changed);
            else Assert.False(baseline.AsSpan().SequenceEqual(changed), $"{p.Name} is not covered by the canonical form");
        }
        foreach (var variant in new[] { new FieldChange("notifyAuthority", "", "true"), new FieldChange("notifyAuthorityX", null, "true"), new FieldChange("notifyAuthority", null, "false") })
            Assert.False(baseline.AsSpan().SequenceEqual(TimelineChain.Canonical(Tricky with { Changes = [variant, Tricky.Changes[1]] })));
    }

    private static Incident History()
    {
        var i = Incident.Report("inc-chain", new IncidentDraft { Title = "Odd logins", DetectedAt = Now.AddHours(-3) }, Reporter, Now.AddHours(-2));
        i.Update(new IncidentChanges { Title = Optional<string>.Of("Odd logins on CRM"), Owner = Optional<string?>.Of("kim") }, Reporter, Now.AddHours(-1));
        i.Confirm(Now.AddMinutes(-30), "checked the logs", Reporter, Now.AddMinutes(-20));
        i.Record("note-added", [], "call with the vendor\nnext steps", null, Dpo, Now);
        i.Dismiss("test data only", Dpo, Now.AddMinutes(5));
        return i;
    }

    private static ChainVerification Verify(Incident i, IReadOnlyList<TimelineEntry> entries)
        => TimelineChain.Verify(i.Id, entries, i.State.TimelineCount, i.State.TimelineHead, i.State.LegacyTimelineEntries);

    [Fact]
    public void Each_appended_entry_chains_from_the_one_before_and_the_state_holds_the_head()
    {
        var i = History();
        var entries = i.NewEntries;
        Assert.Equal(5, entries.Count);
        var previous = TimelineChain.Genesis("inc-chain");
        foreach (var e in entries)
        {
            Assert.Equal(TimelineChain.Hash(previous, e), e.Hash);
            previous = e.Hash!;
        }
        Assert.Equal(previous, i.State.TimelineHead);
        var v = Verify(i, entries);
        Assert.True(v.Valid);
        Assert.False(v.Broken);
        Assert.Null(v.FirstInvalid);
        Assert.Equal(previous, v.HeadHash);
        Assert.Equal(0, v.LegacyEntries);
    }

    [Fact]
    public void A_change_continues_the_chain_of_a_loaded_incident()
    {
        var first = History();
        var loaded = Incident.Load(first.State);
        loaded.Record("exported", [], null, null, Dpo, Now.AddHours(1));
        var next = Assert.Single(loaded.NewEntries);
        Assert.Equal(6, next.Sequence);
        Assert.Equal(TimelineChain.Hash(first.State.TimelineHead!, next), next.Hash);
        Assert.True(Verify(loaded, [.. first.NewEntries, next]).Valid);
    }

    [Fact]
    public void An_edited_entry_breaks_the_chain_at_that_entry()
    {
        var i = History();
        var entries = i.NewEntries.ToList();
        entries[2] = entries[2] with { Note = "checked the logs (edited)" };
        var v = Verify(i, entries);
        Assert.False(v.Valid);
        Assert.True(v.Broken);
        Assert.Equal(3, v.FirstInvalid!.Sequence);

        // Recomputing the edited entry's own hash moves the break to the next entry; recomputing every later hash
        // too leaves only the head recorded with the incident to disagree.
        var rehashed = i.NewEntries.ToList();
        rehashed[2] = rehashed[2] with { Note = "edited", Hash = TimelineChain.Hash(rehashed[1].Hash!, rehashed[2] with { Note = "edited" }) };
        Assert.Equal(4, Verify(i, rehashed).FirstInvalid!.Sequence);
        for (var k = 3; k < rehashed.Count; k++) rehashed[k] = rehashed[k] with { Hash = TimelineChain.Hash(rehashed[k - 1].Hash!, rehashed[k]) };
        var forged = Verify(i, rehashed);
        Assert.False(forged.Valid);
        Assert.Equal(5, forged.FirstInvalid!.Sequence);
        Assert.Contains("head", forged.FirstInvalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_entry_breaks_the_chain_where_it_was_missing_or_at_the_end()
    {
        var i = History();
        var middle = Verify(i, [.. i.NewEntries.Where(e => e.Sequence != 2)]);
        Assert.False(middle.Valid);
        Assert.Equal(2, middle.FirstInvalid!.Sequence);
        Assert.Contains("missing", middle.FirstInvalid.Reason, StringComparison.Ordinal);

        var last = Verify(i, [.. i.NewEntries.Take(4)]);
        Assert.False(last.Valid);
        Assert.Equal(5, last.FirstInvalid!.Sequence);
        Assert.Contains("missing", last.FirstInvalid.Reason, StringComparison.Ordinal);

        var added = Verify(i, [.. i.NewEntries, i.NewEntries[^1] with { Sequence = 6 }]);
        Assert.Equal(6, added.FirstInvalid!.Sequence);
    }

    [Fact]
    public void Reordered_entries_break_the_chain_at_the_first_moved_entry()
    {
        var i = History();
        var swapped = i.NewEntries.ToList();
        (swapped[1], swapped[3]) = (swapped[3], swapped[1]);
        var v = Verify(i, swapped);
        Assert.False(v.Valid);
        Assert.Equal(2, v.FirstInvalid!.Sequence);
        Assert.Contains("reordered", v.FirstInvalid.Reason, StringComparison.Ordinal);

        // Renumbered to look in order: the hashes still give it away.
        var renumbered = swapped.Select((e, k) => e with { Sequence = k + 1 }).ToList();
        Assert.Equal(2, Verify(i, renumbered).FirstInvalid!.Sequence);
    }

    [Fact]
    public void Entries_from_before_the_chain_are_never_valid_and_later_entries_still_chain_over_them()
    {
        var i = History();
        var legacy = i.NewEntries.Take(3).Select(e => e with { Hash = null }).ToList();
        var legacyHead = TimelineChain.LegacyHead(i.Id, legacy);
        var sealedState = i.State with { TimelineCount = 3, TimelineHead = legacyHead, LegacyTimelineEntries = 3 };

        var unsealed = TimelineChain.Verify(i.Id, legacy, 3, legacyHead, 3);
        Assert.False(unsealed.Valid);
        Assert.False(unsealed.Broken);
        Assert.Equal(3, unsealed.LegacyEntries);
        Assert.Equal(1, unsealed.FirstInvalid!.Sequence);
        Assert.Contains("before the timeline was hash-chained", unsealed.FirstInvalid.Reason, StringComparison.Ordinal);
        Assert.Equal(legacyHead, unsealed.HeadHash);

        var later = Incident.Load(sealedState);
        later.Record("note-added", [], "after the upgrade", null, Dpo, Now.AddHours(1));
        var fourth = Assert.Single(later.NewEntries);
        Assert.Equal(TimelineChain.Hash(legacyHead, fourth), fourth.Hash);
        var all = legacy.Append(fourth).ToList();
        var v = TimelineChain.Verify(i.Id, all, 4, later.State.TimelineHead, 3);
        Assert.False(v.Valid);
        Assert.Equal(3, v.LegacyEntries);
        Assert.Equal(1, v.FirstInvalid!.Sequence);

        // An edit of a legacy entry after the seal shows at the first chained entry.
        all[1] = all[1] with { Note = "rewritten" };
        var edited = TimelineChain.Verify(i.Id, all, 4, later.State.TimelineHead, 3);
        Assert.True(edited.Broken);
        Assert.Equal(4, edited.FirstInvalid!.Sequence);
        Assert.Contains("does not match", edited.FirstInvalid.Reason, StringComparison.Ordinal);

        // Stripping the hash of a chained entry does not make it legacy.
        all = [.. legacy, fourth with { Hash = null }];
        Assert.Equal(4, TimelineChain.Verify(i.Id, all, 4, later.State.TimelineHead, 3).FirstInvalid!.Sequence);
    }

    [Fact]
    public void An_unchained_legacy_state_refuses_new_entries_until_the_repository_chains_it()
    {
        var legacyState = History().State with { TimelineHead = null };
        var i = Incident.Load(legacyState);
        Assert.Throws<InvalidOperationException>(() => i.Record("note-added", [], null, null, Dpo, Now));
    }
}
