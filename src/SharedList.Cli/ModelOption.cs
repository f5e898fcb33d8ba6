using System.CommandLine;
using System.CommandLine.Parsing;
using SocketServer;

namespace SharedList.Cli;

/// <summary>An option that names a <see cref="ServerModel"/> the way the library does (<see cref="ServerModels.Name"/>).</summary>
internal static class ModelOption
{
    public static Option<string> Create(string name, string description, ServerModel defaultValue, params string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue.Name(),
        };
        option.AcceptOneOf([.. ServerModels.All.Select(m => m.Name())]);
        return option;
    }

    /// <summary>
    /// The model inside a validator, which runs before defaults are applied: <paramref name="defaultValue"/> when
    /// the option was not given, or when its name is unknown (the option's own check reports that).
    /// </summary>
    public static ServerModel GetValueOrDefault(CommandResult result, Option<string> option, ServerModel defaultValue) =>
        ServerModels.TryParse(result.Peek(option), out var model) ? model : defaultValue;
}
