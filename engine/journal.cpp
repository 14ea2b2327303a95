#include "journal.hpp"

#include "error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

namespace vigil {

namespace {

constexpr char file_magic[8] = {'V', 'I', 'G', 'I', 'L', 'J', '0', '1'};
constexpr std::uint64_t block_record = 0x4b434f4c42ULL;  // "BLOCK"
constexpr double sync_interval_seconds = 5.0;

// FNV-1a over the record's bytes: enough to tell a torn or garbled record from a whole one.
std::uint64_t checksum(const std::string& bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char byte : bytes) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

class byte_writer {
public:
    void u64(std::uint64_t value) { raw(&value, sizeof value); }
    void f64(double value) { raw(&value, sizeof value); }
    void text(const std::string& value) {
        u64(value.size());
        bytes_ += value;
    }
    void raw(const void* data, std::size_t size) {
        if (size == 0) return;
        bytes_.append(static_cast<const char*>(data), size);
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

class byte_reader {
public:
    explicit byte_reader(const std::string& bytes) : bytes_(bytes) {}
    bool u64(std::uint64_t& value) { return raw(&value, sizeof value); }
    bool f64(double& value) { return raw(&value, sizeof value); }
    bool text(std::string& value) {
        std::uint64_t size = 0;
        if (!u64(size) || size > bytes_.size() - position_) return false;
        value = bytes_.substr(position_, size);
        position_ += size;
        return true;
    }
    bool raw(void* data, std::size_t size) {
        if (size > bytes_.size() - position_) return false;
        if (size == 0) return true;  // an empty vector's data() may be null: memcpy forbids it
        std::memcpy(data, bytes_.data() + position_, size);
        position_ += size;
        return true;
    }
    bool done() const { return position_ == bytes_.size(); }

private:
    const std::string& bytes_;
    std::size_t position_ = 0;
};

std::string encode_block(const result_block& block) {
    byte_writer payload;
    payload.u64(block.point);
    payload.u64(block.first_replicate);
    payload.u64(block.count);
    payload.u64(block.values.size());
    payload.raw(block.values.data(), block.values.size() * sizeof(double));
    payload.u64(block.trajectories.size());
    for (const auto& [replicate, record] : block.trajectories) {
        payload.u64(replicate);
        payload.u64(record.size());
        for (const auto& [name, series] : record) {
            payload.text(name);
            payload.text(series.unit);
            payload.text(series.description);
            payload.u64(series.values.size());
            payload.raw(series.values.data(), series.values.size() * sizeof(double));
        }
    }
    byte_writer record;
    record.u64(block_record);
    record.u64(payload.bytes().size());
    record.raw(payload.bytes().data(), payload.bytes().size());
    record.u64(checksum(payload.bytes()));
    return record.bytes();
}

bool decode_block(const std::string& payload, result_block& block) {
    byte_reader in(payload);
    std::uint64_t values = 0, records = 0;
    if (!in.u64(block.point) || !in.u64(block.first_replicate) || !in.u64(block.count) ||
        !in.u64(values) || values > payload.size() / sizeof(double)) {
        return false;
    }
    block.values.resize(values);
    if (!in.raw(block.values.data(), values * sizeof(double)) || !in.u64(records)) return false;
    block.trajectories.clear();
    for (std::uint64_t r = 0; r < records; ++r) {
        std::uint64_t replicate = 0, series_count = 0;
        if (!in.u64(replicate) || !in.u64(series_count)) return false;
        trajectory_record record;
        for (std::uint64_t s = 0; s < series_count; ++s) {
            std::string name;
            trajectory_series series;
            std::uint64_t length = 0;
            if (!in.text(name) || !in.text(series.unit) || !in.text(series.description) ||
                !in.u64(length) || length > payload.size() / sizeof(double)) {
                return false;
            }
            series.values.resize(length);
            if (!in.raw(series.values.data(), length * sizeof(double))) return false;
            record.emplace(std::move(name), std::move(series));
        }
        block.trajectories.emplace_back(replicate, std::move(record));
    }
    return in.done();
}

std::string encode_header(const std::string& identity) {
    byte_writer header;
    header.raw(file_magic, sizeof file_magic);
    header.text(identity);
    header.u64(checksum(identity));
    return header.bytes();
}

// Fault injection for the kill-and-resume tests: when VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=N is set,
// the process kills itself (SIGKILL, as `kill -9` would) once exactly N bytes of journal are
// on disk, which may be in the middle of a record. Unset, this costs one branch per record.
std::uint64_t fault_kill_offset() {
    static const std::uint64_t offset = [] {
        const char* text = std::getenv("VIGIL_FAULT_KILL_AT_JOURNAL_BYTE");
        return text == nullptr ? std::numeric_limits<std::uint64_t>::max()
                               : std::strtoull(text, nullptr, 10);
    }();
    return offset;
}

// One run per journal: a second vigil that reaches a journal in use stops with a clear message.
void lock_or_refuse(int descriptor, const std::string& path) {
    if (::flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
        ::close(descriptor);
        throw input_error(fmt::format("{}: another vigil run is writing this journal", path));
    }
}

}  // namespace

bool journal_in_use(const std::string& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return false;
    const bool in_use = ::flock(descriptor, LOCK_EX | LOCK_NB) != 0;
    ::close(descriptor);
    return in_use;
}

bool is_journal_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    char magic[sizeof file_magic] = {};
    return file.read(magic, sizeof magic) && std::memcmp(magic, file_magic, sizeof magic) == 0;
}

void fault_point(const char* name) {
    const char* chosen = std::getenv("VIGIL_FAULT_KILL_AT");
    if (chosen != nullptr && std::strcmp(chosen, name) == 0) ::kill(::getpid(), SIGKILL);
}

namespace {

void write_all(int descriptor, std::string bytes, const std::string& path) {
    const std::uint64_t kill_at = fault_kill_offset();
    bool kill_after = false;
    if (kill_at != std::numeric_limits<std::uint64_t>::max()) {
        const auto position = static_cast<std::uint64_t>(::lseek(descriptor, 0, SEEK_CUR));
        if (position + bytes.size() >= kill_at) {
            bytes.resize(kill_at > position ? kill_at - position : 0);
            kill_after = true;
        }
    }
    std::size_t written = 0;
    while (written < bytes.size()) {
        const auto result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
        if (result < 0) {
            if (errno == EINTR) continue;
            throw run_error(
                fmt::format("{}: cannot write the run journal: {}", path, std::strerror(errno)));
        }
        written += static_cast<std::size_t>(result);
    }
    if (kill_after) ::kill(::getpid(), SIGKILL);
}

bool read_u64(std::istream& in, std::uint64_t& value) {
    return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof value));
}

// Streams through the journal, one record in memory at a time; returns the identity and the
// byte length of the valid prefix.
std::pair<std::string, std::uint64_t> scan_journal(
    const std::string& path, const std::function<void(const result_block&)>& on_block) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) throw input_error(fmt::format("{}: cannot open the run journal", path));
    const auto size = static_cast<std::uint64_t>(file.tellg());
    file.seekg(0);

    const auto refuse = [&] {
        throw input_error(
            fmt::format("{}: not a vigil run journal (or its header is damaged)", path));
    };
    char magic[sizeof file_magic] = {};
    std::uint64_t identity_length = 0, identity_sum = 0;
    if (!file.read(magic, sizeof magic) || std::memcmp(magic, file_magic, sizeof magic) != 0 ||
        !read_u64(file, identity_length) || identity_length > size) {
        refuse();
    }
    std::string identity(identity_length, '\0');
    if (!file.read(identity.data(), static_cast<std::streamsize>(identity_length)) ||
        !read_u64(file, identity_sum) || identity_sum != checksum(identity)) {
        refuse();
    }

    std::uint64_t valid = encode_header(identity).size();
    std::string payload;
    while (true) {
        std::uint64_t kind = 0, length = 0, sum = 0;
        if (!read_u64(file, kind) || kind != block_record || !read_u64(file, length)) break;
        if (length > size - valid) break;
        payload.resize(length);
        if (!file.read(payload.data(), static_cast<std::streamsize>(length)) ||
            !read_u64(file, sum) || sum != checksum(payload)) {
            break;
        }
        result_block block;
        if (!decode_block(payload, block)) break;
        on_block(block);
        valid += 3 * sizeof(std::uint64_t) + length;
    }
    return {identity, valid};
}

}  // namespace

journal_writer::journal_writer(int descriptor, std::string path)
    : descriptor_(descriptor), path_(std::move(path)), last_sync_(now_seconds()) {}

journal_writer::journal_writer(journal_writer&& other) noexcept
    : descriptor_(other.descriptor_), path_(std::move(other.path_)), last_sync_(other.last_sync_) {
    other.descriptor_ = -1;
}

journal_writer::~journal_writer() {
    if (descriptor_ >= 0) ::close(descriptor_);
}

journal_writer journal_writer::create(const std::string& path, const std::string& identity) {
    const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (descriptor < 0) {
        throw run_error(
            fmt::format("{}: cannot create the run journal: {}", path, std::strerror(errno)));
    }
    lock_or_refuse(descriptor, path);
    journal_writer journal(descriptor, path);
    try {
        write_all(descriptor, encode_header(identity), path);
        journal.sync();
    } catch (const run_error&) {
        // No work is in it yet (a full disk): a journal without its header would only confuse
        // the next command, so the file this call made is removed.
        ::unlink(path.c_str());
        throw;
    }
    return journal;
}

journal_writer journal_writer::resume(const std::string& path, const std::string& identity,
                                      const std::function<void(const result_block&)>& on_block) {
    // A run killed while writing the header leaves a prefix of it: no work was done yet.
    const std::string header = encode_header(identity);
    std::ifstream existing(path, std::ios::binary);
    std::string start(header.size(), '\0');
    existing.read(start.data(), static_cast<std::streamsize>(start.size()));
    start.resize(static_cast<std::size_t>(existing.gcount()));
    if (start.size() < header.size() && header.compare(0, start.size(), start) == 0) {
        existing.close();
        std::remove(path.c_str());
        return create(path, identity);
    }
    const auto [found, valid] = scan_journal(path, on_block);
    if (found != identity) {
        throw input_error(fmt::format(
            "{}: this interrupted run is of a different scan, seed, shard or vigil format; "
            "run without --resume and with --overwrite to start afresh",
            path));
    }
    const int descriptor = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (descriptor >= 0) lock_or_refuse(descriptor, path);
    if (descriptor < 0 || ::ftruncate(descriptor, static_cast<off_t>(valid)) != 0 ||
        ::lseek(descriptor, 0, SEEK_END) < 0) {
        if (descriptor >= 0) ::close(descriptor);
        throw run_error(
            fmt::format("{}: cannot reopen the run journal: {}", path, std::strerror(errno)));
    }
    return journal_writer(descriptor, path);
}

void journal_writer::write(const result_block& block) {
    write_all(descriptor_, encode_block(block), path_);
    if (now_seconds() - last_sync_ > sync_interval_seconds) sync();
}

void journal_writer::sync() {
    if (::fdatasync(descriptor_) != 0) {
        throw run_error(
            fmt::format("{}: cannot flush the run journal: {}", path_, std::strerror(errno)));
    }
    last_sync_ = now_seconds();
}

std::string read_journal(const std::string& path,
                         const std::function<void(const result_block&)>& on_block) {
    return scan_journal(path, on_block).first;
}

}  // namespace vigil
