using System.CommandLine;

namespace SharedList.Cli;

/// <summary>
/// An option over an enum whose values are shown, taken and defaulted in lowercase (<c>--model async</c>), as
/// the docs and the readiness line spell them. Kept as a string option because help prints a default with
/// its <c>ToString()</c>, which for an enum is capitalized.
/// </summary>
internal static class EnumOption
{
    public static Option<string> Create<T>(string name, string description, T defaultValue, params string[] aliases)
        where T : struct, Enum
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => Lowercase(defaultValue),
        };
        option.AcceptOneOf([.. Enum.GetValues<T>().Select(Lowercase)]);
        return option;
    }

    /// <summary>The enum value of an option made by <see cref="Create{T}"/>; the parser has already checked the name.</summary>
    public static T GetValue<T>(this ParseResult parse, Option<string> option)
        where T : struct, Enum => Enum.Parse<T>(parse.GetValue(option)!, ignoreCase: true);

    public static string Lowercase<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
