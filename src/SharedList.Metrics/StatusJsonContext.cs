using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedList.Metrics;

/// <summary>The status report's JSON, generated at build time (no reflection at run time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
