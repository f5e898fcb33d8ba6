using System.Globalization;

namespace SharedList.Bench.Session;

/// <summary>Comma-separated lists of whole numbers, as <c>--connections 1,50,500</c> and <c>--pipeline 1,16</c> take them.</summary>
public static class NumberList
{
    /// <summary>
    /// Parses <paramref name="text"/> into distinct numbers from <paramref name="min"/> to <paramref name="max"/>, in
    /// the order given; null with <paramref name="error"/> (naming <paramref name="option"/>) when it cannot.
    /// </summary>
    public static IReadOnlyList<int>? TryParse(string? text, string option, int min, int max, out string? error)
    {
        error = null;
        var numbers = new List<int>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                error = $"{option} '{part}' is not a whole number; expected e.g. {option} 1,50,500";
                return null;
            }

            if (number < min || number > max)
            {
                error = $"{option} {number} is out of range: each must be from {min} to {max}";
                return null;
            }

            if (!numbers.Contains(number))
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }
}
