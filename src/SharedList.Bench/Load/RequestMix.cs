using System.Globalization;

namespace SharedList.Bench.Load;

/// <summary>
/// The share of each request kind, in percent: <c>append=100</c> (the default) or <c>append=90,list=10</c>.
/// </summary>
public sealed record RequestMix(int AppendPercent, int ListPercent)
{
    /// <summary>Appends only.</summary>
    public static RequestMix AppendsOnly { get; } = new(100, 0);

    /// <summary>The mix as the option spells it, e.g. <c>append=90,list=10</c>.</summary>
    public override string ToString() => (AppendPercent, ListPercent) switch
    {
        (_, 0) => $"append={AppendPercent}",
        (0, _) => $"list={ListPercent}",
        _ => $"append={AppendPercent},list={ListPercent}",
    };

    /// <summary>
    /// Parses <c>kind=percent[,kind=percent]</c> with kinds <c>append</c> and <c>list</c> (each at most once,
    /// percentages whole numbers summing to 100). Returns null with <paramref name="error"/> set when it cannot.
    /// </summary>
    public static RequestMix? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--mix is empty; expected e.g. append=100 or append=90,list=10";
            return null;
        }

        int? append = null;
        int? list = null;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"--mix part '{part}' is not kind=percent (e.g. append=90)";
                return null;
            }

            var name = part[..equals].Trim().ToLowerInvariant();
            if (!int.TryParse(part[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
            {
                error = $"--mix percentage in '{part}' must be a whole number from 0 to 100";
                return null;
            }

            switch (name)
            {
                case "append" when append is null:
                    append = percent;
                    break;
                case "list" when list is null:
                    list = percent;
                    break;
                case "append" or "list":
                    error = $"--mix names '{name}' twice";
                    return null;
                default:
                    error = $"--mix kind '{name}' is unknown; the kinds are append and list";
                    return null;
            }
        }

        if ((append ?? 0) + (list ?? 0) != 100)
        {
            error = $"--mix percentages add up to {(append ?? 0) + (list ?? 0)}, not 100";
            return null;
        }

        return new RequestMix(append ?? 0, list ?? 0);
    }
}
