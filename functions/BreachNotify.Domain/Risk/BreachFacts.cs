namespace BreachNotify.Domain.Risk;

/// <summary>
/// The facts of a personal data breach that the risk engine needs. Immutable; equality is by value,
/// including the contents (in order) of <see cref="BreachTypes"/> and <see cref="DataCategories"/>.
/// </summary>
public sealed record BreachFacts
{
    public IReadOnlyList<BreachType> BreachTypes { get; init; } = [];
    public IReadOnlyList<DataCategory> DataCategories { get; init; } = [];

    /// <summary>Approximate number of people affected.</summary>
    public long DataSubjects { get; init; }

    /// <summary>Approximate number of records, when known.</summary>
    public long? Records { get; init; }

    /// <summary>Children, patients or other vulnerable people are among the data subjects.</summary>
    public bool VulnerableSubjects { get; init; }

    public Protection Protection { get; init; }

    /// <summary>The key, salt or pseudonymisation mapping was exposed too.</summary>
    public bool ProtectionCompromised { get; init; }

    public Exposure Exposure { get; init; }

    /// <summary>
    /// How many people or organisations received the data by mistake (with exposure trusted-recipient or
    /// known-recipients); null when not known yet. For an open recipient list it defaults to the data subjects.
    /// </summary>
    public long? Recipients { get; init; }

    /// <summary>
    /// An e-mail revealed its recipients' addresses to each other (To/Cc instead of Bcc): the data subjects are the
    /// recipients, and <see cref="DataCategories"/> say what being on the list reveals (clients of a clinic: health).
    /// </summary>
    public bool OpenRecipientList { get; init; }

    public Exfiltration Exfiltration { get; init; }

    /// <summary>Deliberate: attack, theft, insider misuse.</summary>
    public bool MaliciousIntent { get; init; }

    public AvailabilityImpact AvailabilityImpact { get; init; }
    public IntegrityImpact IntegrityImpact { get; init; }

    /// <summary>Measures already taken make misuse unlikely (remote wipe, confirmed deletion or return, recall, credentials reset).</summary>
    public bool Contained { get; init; }

    /// <summary>Evidence the data was used (fraud, impersonation, luring clients away).</summary>
    public bool MisuseObserved { get; init; }

    /// <summary>Individual communication would take disproportionate effort (Art 34(3)(c)).</summary>
    public bool DisproportionateEffort { get; init; }

    /// <summary>Returns every field error; an empty list means the facts are valid.</summary>
    public IReadOnlyList<FactError> Validate()
    {
        var errors = new List<FactError>();

        if (BreachTypes is null)
        {
            errors.Add(new("breachTypes", "breachTypes is required."));
        }
        else
        {
            if (BreachTypes.Count is < 1 or > 3)
            {
                errors.Add(new("breachTypes", "Give 1 to 3 breach types (confidentiality, integrity, availability)."));
            }
            if (BreachTypes.Any(t => !Enum.IsDefined(t)))
            {
                errors.Add(new("breachTypes", "Unknown breach type."));
            }
            if (BreachTypes.Distinct().Count() != BreachTypes.Count)
            {
                errors.Add(new("breachTypes", "Breach types must be distinct."));
            }
        }

        if (DataCategories is null)
        {
            errors.Add(new("dataCategories", "dataCategories is required."));
        }
        else
        {
            if (DataCategories.Count < 1)
            {
                errors.Add(new("dataCategories", "Give at least one data category."));
            }
            if (DataCategories.Any(c => !Enum.IsDefined(c)))
            {
                errors.Add(new("dataCategories", "Unknown data category."));
            }
            if (DataCategories.Distinct().Count() != DataCategories.Count)
            {
                errors.Add(new("dataCategories", "Data categories must be distinct."));
            }
        }

        if (DataSubjects < 0)
        {
            errors.Add(new("dataSubjects", "dataSubjects must be 0 or more."));
        }
        if (Records is < 0)
        {
            errors.Add(new("records", "records must be 0 or more when given."));
        }

        if (!Enum.IsDefined(Protection))
        {
            errors.Add(new("protection", "Unknown protection."));
        }
        if (!Enum.IsDefined(Exposure))
        {
            errors.Add(new("exposure", "Unknown exposure."));
        }
        if (!Enum.IsDefined(Exfiltration))
        {
            errors.Add(new("exfiltration", "Unknown exfiltration."));
        }
        if (!Enum.IsDefined(AvailabilityImpact))
        {
            errors.Add(new("availabilityImpact", "Unknown availability impact."));
        }
        if (!Enum.IsDefined(IntegrityImpact))
        {
            errors.Add(new("integrityImpact", "Unknown integrity impact."));
        }

        // Coherence: each impact or circumstance belongs to one breach type.
        var types = BreachTypes ?? [];
        var confidentiality = types.Contains(BreachType.Confidentiality);
        var integrity = types.Contains(BreachType.Integrity);
        var availability = types.Contains(BreachType.Availability);

        if (AvailabilityImpact != AvailabilityImpact.None && !availability)
        {
            errors.Add(new("availabilityImpact", "An availability impact requires the availability breach type."));
        }
        if (IntegrityImpact != IntegrityImpact.None && !integrity)
        {
            errors.Add(new("integrityImpact", "An integrity impact requires the integrity breach type."));
        }
        if (Exposure != Exposure.None && !confidentiality)
        {
            errors.Add(new("exposure", "Recipients of the data require the confidentiality breach type."));
        }
        if (Exfiltration == Exfiltration.Confirmed && !confidentiality)
        {
            errors.Add(new("exfiltration", "Confirmed exfiltration requires the confidentiality breach type."));
        }
        if (ProtectionCompromised && Protection == Protection.None)
        {
            errors.Add(new("protectionCompromised", "protectionCompromised needs a protection other than none."));
        }
        if (Recipients is < 1)
        {
            errors.Add(new("recipients", "recipients must be 1 or more when given."));
        }
        if (Recipients is not null && Exposure is not (Exposure.TrustedRecipient or Exposure.KnownRecipients))
        {
            errors.Add(new("recipients", "recipients counts identified recipients: give it with exposure trusted-recipient or known-recipients."));
        }
        if (OpenRecipientList && Exposure != Exposure.KnownRecipients)
        {
            errors.Add(new("openRecipientList", "An open recipient list discloses the addresses to known recipients: set exposure to known-recipients."));
        }
        if (OpenRecipientList && DataCategories?.Contains(DataCategory.Contact) == false)
        {
            errors.Add(new("openRecipientList", "An open recipient list discloses e-mail addresses: include contact in dataCategories."));
        }
        if (MisuseObserved && !confidentiality && !integrity && Exfiltration == Exfiltration.RuledOut)
        {
            errors.Add(new("misuseObserved", "Misuse requires a confidentiality or integrity breach, or exfiltration that is not ruled out."));
        }

        return errors;
    }

    public bool Equals(BreachFacts? other) =>
        other is not null
        && SequenceEqual(BreachTypes, other.BreachTypes)
        && SequenceEqual(DataCategories, other.DataCategories)
        && DataSubjects == other.DataSubjects
        && Records == other.Records
        && VulnerableSubjects == other.VulnerableSubjects
        && Protection == other.Protection
        && ProtectionCompromised == other.ProtectionCompromised
        && Exposure == other.Exposure
        && Recipients == other.Recipients
        && OpenRecipientList == other.OpenRecipientList
        && Exfiltration == other.Exfiltration
        && MaliciousIntent == other.MaliciousIntent
        && AvailabilityImpact == other.AvailabilityImpact
        && IntegrityImpact == other.IntegrityImpact
        && Contained == other.Contained
        && MisuseObserved == other.MisuseObserved
        && DisproportionateEffort == other.DisproportionateEffort;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        AddAll(ref hash, BreachTypes);
        AddAll(ref hash, DataCategories);
        hash.Add(DataSubjects);
        hash.Add(Records);
        hash.Add(VulnerableSubjects);
        hash.Add(Protection);
        hash.Add(ProtectionCompromised);
        hash.Add(Exposure);
        hash.Add(Recipients);
        hash.Add(OpenRecipientList);
        hash.Add(Exfiltration);
        hash.Add(MaliciousIntent);
        hash.Add(AvailabilityImpact);
        hash.Add(IntegrityImpact);
        hash.Add(Contained);
        hash.Add(MisuseObserved);
        hash.Add(DisproportionateEffort);
        return hash.ToHashCode();
    }

    internal static bool SequenceEqual<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b));

    internal static void AddAll<T>(ref HashCode hash, IReadOnlyList<T>? items)
    {
        if (items is null)
        {
            hash.Add(-1);
            return;
        }
        hash.Add(items.Count);
        foreach (var item in items)
        {
            hash.Add(item);
        }
    }
}
