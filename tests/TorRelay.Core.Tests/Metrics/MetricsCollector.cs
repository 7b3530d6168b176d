using System.Diagnostics.Metrics;

namespace TorRelay.Core.Tests.Metrics;

/// <summary>
/// Listens to one meter and keys each measurement as name{k=v,...} (tags sorted): observable instruments are read on
/// <see cref="Observe"/>, synchronous ones are kept as recorded.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, double> _observed = new();
    private readonly List<(string Key, double Value)> _recorded = [];

    public MetricsCollector(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Synchronous measurements so far (histogram records).</summary>
    public IReadOnlyList<(string Key, double Value)> Recorded
    {
        get { lock (_gate) return [.. _recorded]; }
    }

    /// <summary>The current value of every series of the observable instruments.</summary>
    public IReadOnlyDictionary<string, double> Observe()
    {
        lock (_gate) _observed.Clear();
        _listener.RecordObservableInstruments();
        lock (_gate) return new Dictionary<string, double>(_observed);
    }

    public static string Key(string name, params (string Key, string Value)[] tags) =>
        name + "{" + string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value)) + "}";

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new (string, string)[tags.Length];
        for (int i = 0; i < tags.Length; i++) pairs[i] = (tags[i].Key, tags[i].Value?.ToString() ?? "");
        string key = Key(instrument.Name, pairs);
        lock (_gate)
        {
            if (instrument.IsObservable) _observed[key] = value;
            else _recorded.Add((key, value));
        }
    }

    public void Dispose() => _listener.Dispose();
}
