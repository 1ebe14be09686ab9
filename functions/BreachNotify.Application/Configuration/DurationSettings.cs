using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Configuration;

/// <summary>
/// Makes every <see cref="TimeSpan"/> setting mean what it says (<see cref="DurationText"/>): <c>24h</c>, <c>PT24H</c>
/// and <c>1.00:00:00</c> are read, <c>24:00:00</c> (24 days to .NET) stops the app at start-up naming the setting.
/// Two parts, because the configuration binder has two paths:
/// <list type="number">
/// <item>A type converter for TimeSpan, registered once: the binder asks <see cref="TypeDescriptor.GetConverter(Type)"/>
/// for every TimeSpan it binds (plain, nullable, nested), so every options class, present and future, reads the
/// unambiguous forms, and a refused scalar fails its options' start-up validation with the binder's error, which
/// names the configuration path. A validator alone could not do this: after binding it only sees 24 days, which
/// cannot be told apart from a deliberate <c>24.00:00:00</c>.</item>
/// <item>A start-up check over the raw configuration of every options class (a class with a public
/// <c>const string SectionName</c>): the binder silently drops a list or dictionary element it cannot convert
/// (a reminder threshold, a whole custom obligation), so those would otherwise vanish instead of failing.</item>
/// </list>
/// The converter registration is process-wide; the app has no other TypeDescriptor-based TimeSpan conversion.
/// </summary>
public static class DurationSettings
{
    private static int s_registered;

    /// <summary>Both parts: the converter, and the check of <paramref name="optionsClasses"/> as a ValidateOnStart validation.
    /// Call it before anything binds options.</summary>
    public static IServiceCollection AddUnambiguousDurations(this IServiceCollection services, IConfiguration configuration, IEnumerable<Type> optionsClasses)
    {
        ArgumentNullException.ThrowIfNull(services);
        Register();
        services.AddOptions<DurationSettingsCheck>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurationSettingsCheck>>(new DurationSettingsValidator(configuration, optionsClasses.ToList()));
        return services;
    }

    /// <summary>Registers the converter. Repeated calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
    }

    /// <summary>Whether TimeSpan settings are read by <see cref="DurationText"/> in this process.</summary>
    public static bool IsRegistered => TypeDescriptor.GetConverter(typeof(TimeSpan)) is DurationConverter;

    /// <summary>The options classes in <paramref name="assemblies"/>: classes with a public <c>const string SectionName</c>.</summary>
    public static IEnumerable<Type> OptionsClassesIn(IEnumerable<Assembly> assemblies)
        => assemblies.Distinct().SelectMany(a => a.GetTypes()).Where(t => SectionOf(t) is not null);

    /// <summary>
    /// Every TimeSpan setting of <paramref name="optionsClasses"/> present in <paramref name="configuration"/> whose text
    /// <see cref="DurationText"/> refuses, as "path (environment name): problem". Walks what the binder binds: public
    /// properties, nested classes of the same assemblies, list elements and dictionary values.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, IEnumerable<Type> optionsClasses)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var classes = optionsClasses.ToList();
        var assemblies = classes.Select(c => c.Assembly).ToHashSet();
        var problems = new List<string>();
        foreach (var type in classes)
        {
            if (SectionOf(type) is { } name) WalkClass(type, configuration.GetSection(name), assemblies, problems, 0);
        }
        return problems;
    }

    private static string? SectionOf(Type type)
        => type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } f && f.FieldType == typeof(string) ? (string?)f.GetRawConstantValue() : null;

    private static void WalkClass(Type type, IConfigurationSection section, HashSet<Assembly> assemblies, List<string> problems, int depth)
    {
        if (depth > 8) return;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length == 0) WalkValue(p.PropertyType, section.GetSection(p.Name), assemblies, problems, depth + 1);
        }
    }

    private static void WalkValue(Type type, IConfigurationSection section, HashSet<Assembly> assemblies, List<string> problems, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(TimeSpan))
        {
            // The binder reads an empty value as null for TimeSpan? and converts it (and fails) for TimeSpan.
            if (section.Value is not { } text || (text.Length == 0 && type != t)) return;
            if (!DurationText.TryParse(text, out _, out var problem))
                problems.Add($"{section.Path} ({section.Path.Replace(":", "__", StringComparison.Ordinal)}): {problem}");
            return;
        }
        if (t == typeof(string) || t.IsPrimitive || t.IsEnum) return;
        var element = ElementType(t);
        if (element is not null)
        {
            foreach (var child in section.GetChildren()) WalkValue(element, child, assemblies, problems, depth + 1);
            return;
        }
        if (t.IsClass && assemblies.Contains(t.Assembly)) WalkClass(t, section, assemblies, problems, depth);
    }

    /// <summary>A dictionary's value type or a collection's element type; null for anything else.</summary>
    private static Type? ElementType(Type t)
    {
        var interfaces = t.GetInterfaces().Append(t).Where(i => i.IsGenericType).ToList();
        if (interfaces.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dict) return dict.GetGenericArguments()[1];
        if (t.IsArray) return t.GetElementType();
        return interfaces.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }
}

/// <summary>Reads TimeSpan text with <see cref="DurationText.Parse"/>; writes it as .NET does (<c>c</c> format, unambiguous).</summary>
public sealed class DurationConverter : TimeSpanConverter
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? DurationText.Parse(text) : base.ConvertFrom(context, culture, value);
}

/// <summary>Marker options type: validating it at start-up runs <see cref="DurationSettings.Problems"/>.</summary>
public sealed class DurationSettingsCheck;

internal sealed class DurationSettingsValidator(IConfiguration configuration, IReadOnlyList<Type> optionsClasses) : IValidateOptions<DurationSettingsCheck>
{
    public ValidateOptionsResult Validate(string? name, DurationSettingsCheck options)
    {
        var problems = DurationSettings.Problems(configuration, optionsClasses);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
