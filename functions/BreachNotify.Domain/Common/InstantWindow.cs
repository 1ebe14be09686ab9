using System.Globalization;

namespace BreachNotify.Domain.Common;

/// <summary>
/// The instants a client may record (detectedAt, awareAt, occurredAt, sentAt, submittedAt...): from
/// <see cref="Earliest"/> up to <see cref="Now"/> plus <see cref="ClockSkew"/>. Nothing this system records happened
/// before 2000; earlier values are typos or placeholders such as <c>0001-01-01</c>, on which deadline arithmetic would
/// underflow. The skew allows for a client's clock running a little ahead of ours (one setting, with a default).
/// The window never reads a clock: <see cref="Now"/> is passed in.
/// </summary>
public readonly record struct InstantWindow(DateTimeOffset Now, TimeSpan ClockSkew)
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A larger allowance would let a client record a time it cannot know yet.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>The latest acceptable instant (saturates at <see cref="DateTimeOffset.MaxValue"/>).</summary>
    public DateTimeOffset Latest => InstantMath.Add(Now, ClockSkew);

    public bool Contains(DateTimeOffset instant) => instant >= Earliest && instant <= Latest;

    /// <summary>Adds an error for <paramref name="field"/> when <paramref name="instant"/> is given and outside the window.</summary>
    public void Check(string field, DateTimeOffset? instant, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (instant is not { } i) return;
        if (i < Earliest)
            errors.Add(field, "Must not be before 2000-01-01T00:00:00Z.");
        else if (i > Latest)
            errors.Add(field, string.Create(CultureInfo.InvariantCulture,
                $"Cannot be in the future (more than {ClockSkew.TotalSeconds:0.###} s ahead of the server's clock, which reads {Now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})."));
    }
}
