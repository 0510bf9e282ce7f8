#include "cprocesskit_process_table.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

long pk_read_small_file(const char *path, char *buffer, long size) {
    if (size <= 0) {
        errno = EINVAL;
        return -1;
    }
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return -1;
    long total = 0;
    while (total < size - 1) {
        ssize_t got = read(fd, buffer + total, (size_t)(size - 1 - total));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (got == 0) break;
        total += got;
    }
    close(fd);
    buffer[total] = '\0';
    return total;
}

int pk_list_numeric_entries(const char *directory, int *numbers, int capacity) {
    DIR *dir = opendir(directory);
    if (dir == NULL) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (*name == '\0') continue;
        long value = 0;
        int digits = 1;
        for (const char *c = name; *c; c++) {
            if (*c < '0' || *c > '9' || value > 100000000L) {
                digits = 0;
                break;
            }
            value = value * 10 + (*c - '0');
        }
        if (!digits) continue;
        if (count < capacity) numbers[count] = (int)value;
        count++;
    }
    closedir(dir);
    return count;
}
