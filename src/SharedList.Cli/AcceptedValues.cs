using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace SharedList.Cli;

/// <summary>
/// What an option or argument accepts, said once and used by its parser, its range check and its usage errors
/// (<c>--port: expected a whole number from 0 to 65535, got 'abc'</c>). The numbers are parsed here rather than by
/// System.CommandLine, whose conversion failure escapes as an exception from any validator that reads the value.
/// </summary>
internal static class AcceptedValues
{
    private static readonly ConditionalWeakTable<Symbol, string> Descriptions = [];
    private static readonly ConditionalWeakTable<Symbol, NumberRange> Ranges = [];
    private static readonly ConditionalWeakTable<Symbol, Func<string, bool>> Checks = [];
    private static readonly ConditionalWeakTable<Symbol, object> EmptyAllowed = [];

    /// <summary>The inclusive bounds of a number option, for the tests that try values just outside them.</summary>
    internal sealed record NumberRange(double Min, double Max, bool Whole);

    /// <summary>What <paramref name="symbol"/> accepts, in words (<c>a whole number from 0 to 65535</c>); null when nothing was said.</summary>
    public static string? Describe(Symbol symbol) => Descriptions.TryGetValue(symbol, out var text) ? text : null;

    internal static NumberRange? RangeOf(Symbol symbol) => Ranges.TryGetValue(symbol, out var range) ? range : null;

    /// <summary>Records what <paramref name="symbol"/> accepts, for a parser or validator that checks it itself.</summary>
    public static void Say(Symbol symbol, string description) => Descriptions.AddOrUpdate(symbol, description);

    /// <summary>Lets <paramref name="option"/> take an empty value, which <see cref="RefuseEmpty"/> otherwise refuses (<c>--requirepass ''</c>: none).</summary>
    public static void AcceptEmpty(Option option) => EmptyAllowed.AddOrUpdate(option, option);

    /// <summary>
    /// Refuses an empty value (<c>--tls-cert ''</c>) to every name, path and text that <paramref name="command"/>
    /// takes: an empty one is a shell variable that was not set, not a choice.
    /// </summary>
    public static void RefuseEmpty(Command command)
    {
        foreach (var option in command.Options.Where(o => TakesText(o.ValueType) && !EmptyAllowed.TryGetValue(o, out _)))
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens is [{ Value: "" }])
                {
                    result.AddError(NeedsValue(option));
                }
            });
        }

        foreach (var argument in command.Arguments.Where(a => TakesText(a.ValueType)))
        {
            argument.Validators.Add(result =>
            {
                if (result.Tokens is [{ Value: "" }])
                {
                    result.AddError($"{argument.Name.ToUpperInvariant()} cannot be empty");
                }
            });
        }
    }

    /// <summary>The usage error of <paramref name="option"/> given without a value.</summary>
    public static string NeedsValue(Option option)
    {
        var what = Describe(option) ?? option.HelpName switch
        {
            { } helpName => $"a {helpName}",
            null when option.ValueType == typeof(FileInfo) => "a file",
            null when option.ValueType == typeof(DirectoryInfo) => "a folder",
            null => null,
        };
        return what is null ? $"{option.Name} needs a value" : $"{option.Name} needs a value: {what}";
    }

    /// <summary>
    /// The usage error of the one value in <paramref name="result"/>, or null when it is fine or not ours to check.
    /// For <see cref="UsageError"/>: once a command's own check fails, System.CommandLine leaves its values unread.
    /// </summary>
    public static string? Refusal(SymbolResult result)
    {
        var (symbol, name) = result switch
        {
            OptionResult o => ((Symbol)o.Option, o.Option.Name),
            ArgumentResult a => (a.Argument, a.Argument.Name.ToUpperInvariant()),
            _ => (null, string.Empty),
        };
        return symbol is not null && result.Tokens is [{ Value: var text }]
            && Checks.TryGetValue(symbol, out var accepts) && !accepts(text) && Describe(symbol) is { } description
            ? Expected(name, description, result)
            : null;
    }

    /// <summary>Whole numbers from <paramref name="min"/> to <paramref name="max"/>, in <paramref name="unit"/> when given (<c>bytes</c>).</summary>
    public static void AcceptWhole(this Option<int> option, int min, int max = int.MaxValue, string? unit = null)
    {
        var description = Whole(min, max, unit);
        Register(option, description, new NumberRange(min, max, Whole: true), text => TryWhole(text, min, max, out _));
        option.CustomParser = result => ParseWhole(result, option.Name, description, min, max);
    }

    /// <inheritdoc cref="AcceptWhole(Option{int}, int, int, string?)"/>
    public static void AcceptWhole(this Argument<int> argument, int min, int max = int.MaxValue, string? unit = null)
    {
        var description = Whole(min, max, unit);
        Register(argument, description, new NumberRange(min, max, Whole: true), text => TryWhole(text, min, max, out _));
        argument.CustomParser = result => ParseWhole(result, argument.Name.ToUpperInvariant(), description, min, max);
    }

    /// <summary>Seconds from <paramref name="min"/> to <paramref name="max"/>, fractions allowed (<c>0.5</c>).</summary>
    public static void AcceptSeconds(this Option<double> option, double min, double max)
    {
        var description = $"a number of seconds from {Format(min)} to {Format(max)}";
        Register(option, description, new NumberRange(min, max, Whole: false), text => TrySeconds(text, min, max, out _));
        option.CustomParser = result =>
        {
            if (result.Tokens is [{ Value: var text }] && TrySeconds(text, min, max, out var value))
            {
                return value;
            }

            result.AddError(Expected(option.Name, description, result));
            return default;
        };
    }

    /// <summary>One of <paramref name="values"/>, as an option that takes a name (<c>--model async</c>).</summary>
    public static void AcceptOneOf(this Option<string> option, IReadOnlyList<string> values)
    {
        // Not AcceptOnlyFromAmong: its message spans a line per value. Help lists them in this order, the docs'.
        var description = $"one of {string.Join(", ", values)}";
        Say(option, description);
        Checks.AddOrUpdate(option, text => values.Contains(text, StringComparer.Ordinal));
        option.HelpName ??= string.Join('|', values);
        option.CompletionSources.Add([.. values]);
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && !values.Contains(text, StringComparer.Ordinal))
            {
                result.AddError(Expected(option.Name, description, result));
            }
        });
    }

    /// <summary>The usage error of a value that is not what <paramref name="name"/> accepts.</summary>
    public static string Expected(string name, string description, SymbolResult result) =>
        $"{name}: expected {description}, got '{string.Join(' ', result.Tokens.Select(t => t.Value))}'";

    private static void Register(Symbol symbol, string description, NumberRange range, Func<string, bool> accepts)
    {
        Say(symbol, description);
        Ranges.AddOrUpdate(symbol, range);
        Checks.AddOrUpdate(symbol, accepts);
    }

    private static bool TakesText(Type type) => type == typeof(string) || type == typeof(FileInfo) || type == typeof(DirectoryInfo);

    private static bool TryWhole(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TrySeconds(string text, double min, double max, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static int ParseWhole(ArgumentResult result, string name, string description, int min, int max)
    {
        if (result.Tokens is [{ Value: var text }] && TryWhole(text, min, max, out var value))
        {
            return value;
        }

        result.AddError(Expected(name, description, result));
        return default;
    }

    private static string Whole(int min, int max, string? unit)
    {
        var what = unit is null ? "a whole number" : $"a whole number of {unit}";
        return max == int.MaxValue ? $"{what}, {min} or more" : $"{what} from {min} to {max}";
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
