using System.Buffers.Binary;
using System.IO.Compression;

namespace TestSupport;

/// <summary>
/// Just enough PNG (RFC 2083 / W3C PNG spec) to read a browser's screenshot: 8-bit RGB or RGBA, not interlaced,
/// every scanline filter. <see cref="Encode"/> exists so the decoder can be tested on images whose pixels are known.
/// Pixels are kept as RGBA, 4 bytes each.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] rgba;

    public PngImage(int width, int height, byte[] rgba)
    {
        ArgumentNullException.ThrowIfNull(rgba);
        if (rgba.Length != width * height * 4)
        {
            throw new ArgumentException("need 4 bytes per pixel", nameof(rgba));
        }

        Width = width;
        Height = height;
        this.rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 4;
            return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]);
        }
    }

    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        var at = Signature.Length;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            var type = System.Text.Encoding.ASCII.GetString(png.Slice(at + 4, 4));
            var data = png.Slice(at + 8, length);
            at += 12 + length;
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var (depth, color, interlace) = (data[8], data[9], data[12]);
                    channels = color switch
                    {
                        2 => 3,
                        6 => 4,
                        _ => throw new NotSupportedException($"colour type {color}: only RGB (2) and RGBA (6)"),
                    };
                    if (depth != 8 || interlace != 0)
                    {
                        throw new NotSupportedException($"bit depth {depth}, interlace {interlace}: only 8-bit, not interlaced");
                    }

                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    return Unfilter(width, height, channels, Inflate(compressed));
            }
        }

        throw new InvalidDataException("no IEND chunk");
    }

    /// <summary>An 8-bit RGBA (or RGB, dropping alpha) PNG whose row <c>y</c> uses filter <c>filterOf(y)</c> (0 None … 4 Paeth).</summary>
    public byte[] Encode(Func<int, byte> filterOf, bool alpha = true)
    {
        ArgumentNullException.ThrowIfNull(filterOf);
        var channels = alpha ? 4 : 3;
        var pixels = alpha ? rgba : [.. rgba.Where((_, i) => i % 4 != 3)];
        var stride = Width * channels;
        var raw = new byte[(stride + 1) * Height];
        for (var y = 0; y < Height; y++)
        {
            var filter = filterOf(y);
            raw[y * (stride + 1)] = filter;
            for (var i = 0; i < stride; i++)
            {
                var current = pixels[(y * stride) + i];
                var left = i >= channels ? pixels[(y * stride) + i - channels] : (byte)0;
                var up = y > 0 ? pixels[((y - 1) * stride) + i] : (byte)0;
                var upLeft = y > 0 && i >= channels ? pixels[((y - 1) * stride) + i - channels] : (byte)0;
                raw[(y * (stride + 1)) + 1 + i] = (byte)(current - Predict(filter, left, up, upLeft));
            }
        }

        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8;
        header[9] = alpha ? (byte)6 : (byte)2;
        WriteChunk(png, "IHDR", header);
        using (var deflated = new MemoryStream())
        {
            using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            // Two IDAT chunks: a decoder must join them.
            var all = deflated.ToArray();
            WriteChunk(png, "IDAT", all.AsSpan(0, all.Length / 2));
            WriteChunk(png, "IDAT", all.AsSpan(all.Length / 2));
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Inflate(MemoryStream compressed)
    {
        compressed.Position = 0;
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        return raw.ToArray();
    }

    private static PngImage Unfilter(int width, int height, int channels, byte[] raw)
    {
        var stride = width * channels;
        if (raw.Length < (stride + 1) * height)
        {
            throw new InvalidDataException("image data too short");
        }

        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            for (var i = 0; i < stride; i++)
            {
                var left = i >= channels ? pixels[(y * stride) + i - channels] : (byte)0;
                var up = y > 0 ? pixels[((y - 1) * stride) + i] : (byte)0;
                var upLeft = y > 0 && i >= channels ? pixels[((y - 1) * stride) + i - channels] : (byte)0;
                pixels[(y * stride) + i] = (byte)(raw[(y * (stride + 1)) + 1 + i] + Predict(filter, left, up, upLeft));
            }
        }

        if (channels == 4)
        {
            return new PngImage(width, height, pixels);
        }

        var rgba = new byte[width * height * 4];
        for (var p = 0; p < width * height; p++)
        {
            rgba[p * 4] = pixels[p * 3];
            rgba[(p * 4) + 1] = pixels[(p * 3) + 1];
            rgba[(p * 4) + 2] = pixels[(p * 3) + 2];
            rgba[(p * 4) + 3] = 255;
        }

        return new PngImage(width, height, rgba);
    }

    private static int Predict(byte filter, byte left, byte up, byte upLeft) => filter switch
    {
        0 => 0,
        1 => left,
        2 => up,
        3 => (left + up) / 2,
        4 => Paeth(left, up, upLeft),
        _ => throw new InvalidDataException($"unknown filter type {filter}"),
    };

    private static byte Paeth(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(header.AsSpan(4), data));
        png.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var span in new[] { type.ToArray(), data.ToArray() })
        {
            foreach (var b in span)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
                }
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
