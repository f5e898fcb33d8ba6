using System.Buffers.Binary;
using System.Numerics;

namespace SharedList.Stores.Journal;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of iSCSI, ext4 and LevelDB's logs. System.IO.Hashing 10 offers only the
/// IEEE polynomial; <see cref="BitOperations.Crc32C(uint, ulong)"/> is the CPU's own instruction (SSE 4.2, ARMv8),
/// with a table fallback elsewhere.
/// </summary>
internal static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR all ones, as the standard check value 0xE3069283 of "123456789").</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        if (data.Length >= sizeof(uint))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[sizeof(uint)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
